"""One admission for every channel: the number's other requests, the surge breaker and the
counting windows (number, prefix, country, and the client address where there is one).

Every way a number comes to be called or texted is counted in the same windows, so a number
refused on one channel is refused on all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from callback.config.abuse import AbuseConfig
from callback.numbers import AcceptedNumber
from callback.store.abuse import Admission, Span, Window
from callback.types import QueueName

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
BREAKER_BASELINE = timedelta(days=1)
"""How far back "normal" volume is read for the breaker."""
KEEP_COUNTS = BREAKER_BASELINE + timedelta(days=1)
"""Counted requests older than this are read by no window."""
# Named when only the web was counted for the breaker; kept so that counts carry over.
WEB, ALL = "web", "all"


class Refusal(StrEnum):
    """Why a number may not be booked now."""

    NUMBER_ACTIVE = "number_active"
    """It already waits for a callback in another queue."""
    SURGE = "surge"
    """Requests arrive far above their usual rate: the breaker is open."""
    LIMIT = "limit"
    """A counting window is full."""
    SUPPRESSED = "suppressed"
    """It asked for no more text messages, and this booking needs one."""


@dataclass(frozen=True, slots=True)
class Refused:
    """A booking the admission refused: why, which window was full, and for how long."""

    refusal: Refusal
    window: str | None = None
    retry_after: timedelta | None = None

    @property
    def tally(self) -> str:
        """The name the refusal is counted under, the same whichever channel it came from."""
        match self.refusal:
            case Refusal.NUMBER_ACTIVE:
                return "already_requested.number_active"
            case Refusal.SURGE:
                return "service_paused"
            case Refusal.SUPPRESSED:
                return "invalid_number.sms_opted_out"
            case Refusal.LIMIT:
                return f"rate_limited.{self.window}"


@dataclass(frozen=True, slots=True)
class Applicant:
    """The number a booking would call or text, its queue and the client address if any."""

    queue: QueueName
    number: AcceptedNumber
    ip: str | None = None
    """Only for apps and widgets: a server or a phone line speaks for many from one address."""


class Counts(Protocol):
    """Where the breaker reads counted requests: the store, or an admission in progress."""

    def count(self, kind: str, key: str, since: datetime, until: datetime) -> int:
        """Requests counted under `kind`/`key` in `[since, until)`."""
        ...


def windows(config: AbuseConfig, applicant: Applicant) -> list[Window]:
    """Every window a booking is counted in."""
    number = applicant.number
    digits = number.e164.removeprefix("+")
    found = [
        Window("number", number.e164, DAY, config.per_number_per_day),
        Window("prefix", digits[: config.prefix_digits], HOUR, config.per_prefix_per_hour),
        Window("country", number.region, HOUR, config.per_country_per_hour),
        # Counted for the breaker's baseline, never refused by this window itself.
        Window(WEB, ALL, HOUR, 1_000_000_000),
    ]
    if applicant.ip is not None:
        found.insert(0, Window("ip", applicant.ip, HOUR, config.per_ip_per_hour))
    return found


def recent(config: AbuseConfig, now: datetime) -> Span:
    """The span the breaker counts requests in."""
    window = config.breaker.window
    # Requests stamped after `now` count too: they read a later clock but took their turn first.
    return Span(WEB, ALL, now - window, now + window)


def breaker_open(config: AbuseConfig, store: Counts, now: datetime) -> bool:
    """True when volume over the breaker window is far above its usual level."""
    span = recent(config, now)
    return surging(config, store.count(span.kind, span.key, span.since, span.until), store, now)


def surging(config: AbuseConfig, recently: int, store: Counts, now: datetime) -> bool:
    """`breaker_open`, with the count over its `recent` span read already."""
    breaker = config.breaker
    if recently < breaker.min_requests:
        return False
    before = store.count(WEB, ALL, now - breaker.window - BREAKER_BASELINE, now - breaker.window)
    usual = before * (breaker.window / BREAKER_BASELINE)
    return recently > breaker.factor * usual


def admit(
    admission: Admission, config: AbuseConfig, applicant: Applicant, now: datetime
) -> Refused | None:
    """Refused, or None once the booking is counted in every window (in `admission`)."""
    # Everything the decision reads, in one statement of the admission's transaction.
    found, number = windows(config, applicant), applicant.number.e164
    counted = admission.read(number, applicant.queue, recent(config, now), found, now)
    if counted.active_elsewhere >= config.per_number_active:
        return Refused(Refusal.NUMBER_ACTIVE)
    if surging(config, counted.in_span, admission, now):
        return Refused(Refusal.SURGE, retry_after=config.breaker.window)
    for window, count in zip(found, counted.windows, strict=True):
        if count >= window.limit:
            exceeded = admission.exceeded(window, count, now)
            return Refused(Refusal.LIMIT, window.kind, exceeded.retry_after)
    admission.record(found, now)
    return None


def number_busy(admission: Admission, config: AbuseConfig, applicant: Applicant) -> Refused | None:
    """Refused when the number already waits for as many callbacks elsewhere as it may."""
    number, queue = applicant.number.e164, applicant.queue
    if admission.active_elsewhere(number, queue) >= config.per_number_active:
        return Refused(Refusal.NUMBER_ACTIVE)
    return None
