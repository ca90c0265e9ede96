"""The context every builder of one call shares: the company, the queue, the caller's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from zoneinfo import ZoneInfo

from callback.config.model import SupervisorConfig
from callback.config.policy import CallbackPolicy
from callback.config.queue import QueueConfig
from ivr.links import RELATIVE, Link, Links, Step
from ivr.speech import Speaker


def _frozen(voices: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(voices))


@dataclass(frozen=True, slots=True)
class QueueCall:
    """A call in one queue, spoken to in one of the queue's languages."""

    company: str
    queue: str
    settings: QueueConfig
    policy: CallbackPolicy
    speaker: Speaker
    links: Links = RELATIVE
    voices: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Optional `<Say voice=...>` per language code, for languages needing a named voice."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "voices", _frozen(self.voices))
        if self.speaker.code not in self.settings.languages:
            raise ValueError(f"queue {self.queue!r} does not offer {self.speaker.code!r}")

    @classmethod
    def of(
        cls,
        config: SupervisorConfig,
        queue: str,
        language: str | None = None,
        *,
        links: Links = RELATIVE,
        voices: Mapping[str, str] | None = None,
    ) -> QueueCall:
        """The call context for `queue`; an unknown or absent language gives the default."""
        settings = config.queues[queue]
        code = language if language in settings.languages else settings.default_language
        chosen = dict(voices or {})
        speaker = Speaker(config.catalogue, code, chosen.get(code))
        return cls(
            company=config.service.company,
            queue=queue,
            settings=settings,
            policy=config.callback_policy(queue),
            speaker=speaker,
            links=links,
            voices=chosen,
        )

    @property
    def zone(self) -> ZoneInfo:
        """The queue's time zone: clock times are spoken in it."""
        return self.settings.zone

    @property
    def language(self) -> str:
        """The caller's language code."""
        return self.speaker.code

    @property
    def display_name(self) -> str:
        """The queue's name as agents hear it."""
        return self.settings.display_name or self.queue

    def in_language(self, code: str) -> QueueCall:
        """The same call spoken to in another of the queue's languages."""
        return replace(self, speaker=self.speaker_for(code))

    def speaker_for(self, code: str) -> Speaker:
        """A speaker of language `code` with its configured voice."""
        return self.speaker.speaking(code, self.voices.get(code))

    def link(
        self,
        step: Step,
        *,
        attempt: int = 0,
        request: int | None = None,
        digits: str | None = None,
        choices: tuple[str, ...] = (),
        after: Step | None = None,
    ) -> Link:
        """The link of `step` in this queue and language."""
        return Link(step, self.queue, self.language, attempt, request, digits, choices, after)

    def url(
        self,
        step: Step,
        *,
        attempt: int = 0,
        request: int | None = None,
        digits: str | None = None,
        choices: tuple[str, ...] = (),
        after: Step | None = None,
    ) -> str:
        """The URL of `step` in this queue and language."""
        link = self.link(
            step, attempt=attempt, request=request, digits=digits, choices=choices, after=after
        )
        return self.links.url(link)
