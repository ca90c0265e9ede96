"""Who arrives in a simulated day: a daily profile per queue and interval, and its contacts.

A profile row says, for one queue and one time-of-day interval (local to the queue) and
one channel, how many contacts arrive on an average day and how they behave: mean handle
time, mean patience on hold, the share of callers on hold who take a callback when it is
offered, and the shares of callback dials that ring out or reach a machine. Every random
draw of a contact is made here, once, so two configs run on the same contacts (common
random numbers): the same seed gives the same people, whatever the config does with them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from random import Random

DRAWS = 8
"""Uniforms drawn per contact, one per dial attempt (later attempts reuse the last)."""
DAY = 86400.0
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAYS: dict[str, frozenset[int]] = {
    "daily": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekend": frozenset({5, 6}),
} | {name: frozenset({n}) for n, name in enumerate(WEEKDAYS)}
"""The `day` column's values and the weekdays (0 = Monday) each stands for."""


class Kind(StrEnum):
    """How a contact reaches the queue."""

    PHONE = "phone"
    """A call: it holds, or takes a callback when one is offered."""
    WEB = "web"
    """A callback requested on the web page or in the app, as soon as possible."""
    SLOT = "slot"
    """A callback booked for a time: the first slot with room (`callback.service.slots`)."""


@dataclass(frozen=True, slots=True)
class Interval:
    """One row of a profile: a queue's average day in one interval, for one channel."""

    queue: str
    start: time
    end: time
    channel: Kind
    offered: float
    handle_s: float
    patience_s: float | None
    """None: nobody gives up on hold."""
    callback_share: float = 0.0
    no_answer: float = 0.0
    machine: float = 0.0
    day: str = "daily"
    """Which days the row is for: daily, weekdays, weekend, or one day's name (monday ...)."""
    declined: float = 0.0
    """The share of callback dials the customer answers but does not take ("not now")."""
    """The share of callback dials the customer answers but does not take ("not now")."""

    def applies(self, weekday: int) -> bool:
        """Whether the row holds on `weekday` (0 = Monday)."""
        return weekday in DAYS[self.day]

    @property
    def seconds(self) -> tuple[float, float]:
        """The interval as seconds after local midnight (an end of 00:00 is midnight after)."""
        end = _seconds(self.end) or DAY
        return _seconds(self.start), end


@dataclass(frozen=True, slots=True)
class Contact:
    """One person, with every draw their story needs already made."""

    at: float
    """Seconds after the run's local midnight."""
    kind: Kind
    talk: float
    patience: float
    """Seconds they hold before giving up (infinite: they never do)."""
    choice: float
    """Uniform: below the profile's share, they take a callback when it is offered."""
    answers: tuple[float, ...]
    """A uniform per dial attempt: below no_answer it rings out, below that plus machine a
    machine answers, below that plus declined the customer answers but says not now, else
    the customer takes the call."""
    no_answer: float
    machine: float
    share: float
    declined: float = 0.0


FIELDS = (
    "queue",
    "start",
    "end",
    "channel",
    "offered",
    "handle_s",
    "patience_s",
    "callback_share",
    "no_answer",
    "machine",
    "day",
    "declined",
)


class ProfileError(ValueError):
    """A forecast file that cannot be read, naming the line and the column."""


def _seconds(moment: time) -> float:
    return moment.hour * 3600.0 + moment.minute * 60.0 + moment.second


def _share(row: dict[str, str], name: str, line: int) -> float:
    value = _number(row, name, line, default=0.0)
    if not 0.0 <= value <= 1.0:
        raise ProfileError(f"line {line}: {name} must be within 0..1, got {value}")
    return value


def _number(row: dict[str, str], name: str, line: int, default: float | None = None) -> float:
    text = (row.get(name) or "").strip()
    if not text and default is not None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ProfileError(f"line {line}: {name} must be a number, got {text!r}") from None
    if value < 0:
        raise ProfileError(f"line {line}: {name} cannot be negative, got {value}")
    return value


def _clock(row: dict[str, str], name: str, line: int) -> time:
    text = (row.get(name) or "").strip()
    try:
        return time(0) if text == "24:00" else time.fromisoformat(text)
    except ValueError:
        raise ProfileError(f"line {line}: {name} must be HH:MM, got {text!r}") from None


def _row(row: dict[str, str], line: int) -> Interval:
    try:
        channel = Kind((row.get("channel") or "phone").strip())
    except ValueError:
        raise ProfileError(f"line {line}: channel must be phone, web or slot") from None
    patience = (row.get("patience_s") or "").strip()
    day = (row.get("day") or "daily").strip().lower()
    if day not in DAYS:
        raise ProfileError(f"line {line}: day must be daily, weekdays, weekend or a day's name")
    interval = Interval(
        queue=(row.get("queue") or "").strip(),
        start=_clock(row, "start", line),
        end=_clock(row, "end", line),
        channel=channel,
        offered=_number(row, "offered", line),
        handle_s=_number(row, "handle_s", line),
        patience_s=None if patience in ("", "inf") else _number(row, "patience_s", line),
        callback_share=_share(row, "callback_share", line),
        no_answer=_share(row, "no_answer", line),
        machine=_share(row, "machine", line),
        day=day,
        declined=_share(row, "declined", line),
    )
    begin, end = interval.seconds
    if not interval.queue or end <= begin or interval.handle_s <= 0:
        raise ProfileError(f"line {line}: needs a queue, start < end and a positive handle_s")
    return interval


def parse_profile(text: str) -> tuple[Interval, ...]:
    """The rows of a forecast CSV (header `FIELDS`; the last seven columns may be left out)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in FIELDS[:6] if name not in (reader.fieldnames or ())]
    if missing:
        raise ProfileError(f"line 1: missing columns {', '.join(missing)}")
    return tuple(_row(row, number) for number, row in enumerate(reader, start=2))


def _contact(rng: Random, at: float, row: Interval) -> Contact:
    patience = rng.expovariate(1.0 / row.patience_s) if row.patience_s else float("inf")
    return Contact(
        at=at,
        kind=row.channel,
        talk=rng.expovariate(1.0 / row.handle_s),
        patience=patience,
        choice=rng.random(),
        answers=tuple(rng.random() for _ in range(DRAWS)),
        no_answer=row.no_answer,
        machine=row.machine,
        share=row.callback_share,
        declined=row.declined,
    )


Place = Callable[[int, float], float]
"""Where seconds after a day's local midnight fall: (day, seconds) -> seconds of the run."""


def _whole_days(day: int, seconds: float) -> float:
    return day * DAY + seconds


def contacts(
    profile: tuple[Interval, ...],
    queue: str,
    days: int,
    seed: int,
    weekday: int = 0,
    place: Place = _whole_days,
) -> list[Contact]:
    """A Poisson stream per row over `days` days from a `weekday` (0 = Monday), in time
    order: the same for a given seed (`place` puts a day's wall-clock times on the run's
    clock; by default each day is 24 hours)."""
    rng = Random(f"{seed}:{queue}")  # noqa: S311 - a simulation, not a secret
    found: list[Contact] = []
    for day in range(days):
        for row in profile:
            if row.queue != queue or row.offered <= 0 or not row.applies((weekday + day) % 7):
                continue
            begin, end = row.seconds
            rate = row.offered / (end - begin)
            at = begin + rng.expovariate(rate)
            while at < end:
                found.append(_contact(rng, place(day, at), row))
                at += rng.expovariate(rate)
    found.sort(key=lambda contact: contact.at)
    return found
