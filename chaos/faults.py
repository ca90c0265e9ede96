"""What the stand-in does to one REST request: how slowly it answers and how it fails."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """How one request ends for the client."""

    ANSWERED = "answered"
    """Acted on and answered, after the delay."""
    SERVER_ERROR = "server_error"
    """Refused with a 5xx Twilio error, nothing done."""
    HELD = "held"
    """Acted on (a call is created), then the answer is held past the client's timeout."""


@dataclass(frozen=True, slots=True)
class Faults:
    """Latency and failure rates; `hold_s` must exceed the instances' HTTP timeout."""

    min_delay_s: float = 0.05
    max_delay_s: float = 0.5
    error_rate: float = 0.05
    hold_rate: float = 0.02
    hold_s: float = 3.0

    def __post_init__(self) -> None:
        if not 0 <= self.min_delay_s <= self.max_delay_s:
            raise ValueError("delays must satisfy 0 <= min <= max")
        if self.error_rate < 0 or self.hold_rate < 0 or self.error_rate + self.hold_rate > 1:
            raise ValueError("fault rates must be non-negative and add up to at most 1")


NO_FAULTS = Faults(min_delay_s=0.0, max_delay_s=0.0, error_rate=0.0, hold_rate=0.0)


@dataclass(frozen=True, slots=True)
class Draw:
    """The fate of one request."""

    delay_s: float
    outcome: Outcome
    status: int = 200


ERROR_STATUSES = (500, 503)
"""A 500 may have acted (ambiguous for the app), a 503 certainly did not."""


def draw(faults: Faults, rng: random.Random, *, creates_call: bool) -> Draw:
    """Delay and outcome; only a call creation is held (the ambiguous dial)."""
    delay = rng.uniform(faults.min_delay_s, faults.max_delay_s)
    roll = rng.random()
    if roll < faults.error_rate:
        return Draw(delay, Outcome.SERVER_ERROR, rng.choice(ERROR_STATUSES))
    if creates_call and roll < faults.error_rate + faults.hold_rate:
        return Draw(delay, Outcome.HELD)
    return Draw(delay, Outcome.ANSWERED)
