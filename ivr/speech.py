"""The speaker: prompt keys of the catalogue turned into `<Say>` lines in one language.

Each language of the catalogue names the `<Say language=...>` code Twilio should speak it
with (`say_language` in its `[meta]`). Twilio's text-to-speech voices (Amazon Polly and
Google) cover English, Russian and Icelandic (Polly has is-IS voices); Amazon Polly has no
Persian voice, and whether a Google fa-IR voice is offered through Twilio depends on the
account's voice list. So Persian is still emitted as `<Say language="fa-IR">`: a
deployment names a voice that speaks it (for example a Google fa-IR voice) through the
speaker's `voice`, or answers with recordings. The builders never silently switch to
another language, which would read Persian text with the wrong phonetics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from callback.config.catalogue import Catalogue
from callback.estimate import Estimate
from ivr.spoken import MIN_MINUTES, About, about_minutes, clock, day_key, spoken_wait
from ivr.twiml import Line


@dataclass(frozen=True, slots=True)
class Speaker:
    """Speaks prompt keys of `catalogue` in language `code`, optionally with a named voice."""

    catalogue: Catalogue
    code: str
    voice: str | None = None

    def __post_init__(self) -> None:
        if self.code not in self.catalogue.languages:
            raise ValueError(f"the catalogue has no language {self.code!r}")

    @property
    def say_language(self) -> str:
        """The `<Say language=...>` code of this language."""
        return self.catalogue.language(self.code).say_language

    def text(self, key: str, /, **values: object) -> str:
        """Prompt `key` with its placeholders filled."""
        return self.catalogue.render(self.code, key, **values)

    def line(self, key: str, /, **values: object) -> Line:
        """Prompt `key` as a line to say."""
        return self.words(self.text(key, **values))

    def words(self, text: str) -> Line:
        """Ready text (a configured label, a context summary) as a line in this language."""
        return Line(text, self.say_language, self.voice)

    def speaking(self, code: str, voice: str | None = None) -> Speaker:
        """The same catalogue in another language."""
        return Speaker(self.catalogue, code, voice)

    def day(self, moment: datetime, now: datetime, zone: ZoneInfo) -> str:
        """The day word of `moment` as heard at `now`: today, tomorrow, on Monday ..."""
        return self.text(day_key(moment, now, zone))

    def wait(self, estimate: Estimate) -> Line:
        """The estimated wait: "about N minutes", or a range when it is uncertain."""
        spoken = spoken_wait(estimate)
        if isinstance(spoken, About):
            return self.line("estimate_about", minutes=spoken.minutes)
        return self.line("estimate_range", low=spoken.low, high=spoken.high)

    def waited(self, key: str, queue: str, span: timedelta) -> Line:
        """How long someone has waited, told to an agent: prompt `key`, or its `_brief` form
        under `MIN_MINUTES` (the smallest spoken figure would overstate a wait of seconds)."""
        if span < timedelta(minutes=MIN_MINUTES):
            return self.line(f"{key}_brief", queue=queue)
        return self.line(key, queue=queue, minutes=about_minutes(span))

    def window(
        self, start: datetime, end: datetime, now: datetime, zone: ZoneInfo
    ) -> dict[str, str]:
        """The `{day}`, `{start}` and `{end}` values naming a time window."""
        return {
            "day": self.day(start, now, zone),
            "start": clock(start, zone),
            "end": clock(end, zone),
        }
