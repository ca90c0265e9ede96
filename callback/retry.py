"""The retry policy: after a dial attempt, call back later, give up, or stop because it worked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeAlias, assert_never


class DialOutcome(StrEnum):
    """How one dial attempt ended, as far as the retry policy cares."""

    CONNECTED = "connected"
    """A human answered and was bridged to an agent: the call happened."""
    MACHINE = "machine"
    """Answering machine, voicemail or fax: never counts as completed."""
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    """Carrier failure or invalid route."""
    DECLINED = "declined"
    """The customer answered but asked for another time or hung up before the agent."""
    AGENT_UNAVAILABLE = "agent_unavailable"
    """Our side failed (the agent did not answer in agent-first mode): not the customer's try."""


class GiveUpReason(StrEnum):
    """Why the policy stops calling a customer back."""

    MAX_ATTEMPTS = "max attempts reached"
    RETRY_WINDOW = "retry window closed"
    EXPIRED = "request expired"


@dataclass(frozen=True, slots=True)
class RetryAt:
    """Dial again at `at`."""

    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Stop calling this customer back."""

    reason: str


@dataclass(frozen=True, slots=True)
class Done:
    """The callback happened; nothing left to retry."""


Decision: TypeAlias = RetryAt | GiveUp | Done


def _require_positive(name: str, value: timedelta) -> None:
    if value <= timedelta(0):
        raise ValueError(f"{name} must be a positive duration, got {value}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to dial a customer again after an attempt that did not reach them.

    `backoff[i]` is the wait after attempt `i + 1`; the last entry repeats. No customer
    retry is placed later than `retry_window` after the first attempt, and none at all
    later than `expiry` after the request was made. When the failure was ours
    (`AGENT_UNAVAILABLE`), the customer was never rung: the attempt is not theirs and
    the retry window does not apply, only the expiry. The retry then comes after
    `agent_retry_delay`, which is short because no courtesy wait is owed to a customer
    who heard nothing, yet not zero, so the dispatcher can move on to another agent
    instead of re-ringing the one who just failed to pick up.
    """

    max_attempts: int = 3
    backoff: tuple[timedelta, ...] = (
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(minutes=30),
    )
    retry_window: timedelta = timedelta(hours=4)
    expiry: timedelta = timedelta(hours=24)
    agent_retry_delay: timedelta = timedelta(seconds=30)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not self.backoff:
            raise ValueError("backoff must list at least one wait")
        for wait in self.backoff:
            _require_positive("backoff", wait)
        _require_positive("retry_window", self.retry_window)
        _require_positive("expiry", self.expiry)
        _require_positive("agent_retry_delay", self.agent_retry_delay)

    def backoff_after(self, attempts: int) -> timedelta:
        """The wait after the customer's `attempts`-th attempt (1-based)."""
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {attempts}")
        return self.backoff[min(attempts, len(self.backoff)) - 1]

    def decide(
        self,
        *,
        outcome: DialOutcome,
        attempts: int,
        first_attempt_at: datetime,
        requested_at: datetime,
        now: datetime,
    ) -> Decision:
        """What to do after a dial attempt ended at `now` with `outcome`.

        `attempts` counts the customer's attempts so far, including this one unless its
        outcome is `AGENT_UNAVAILABLE` (which the caller does not count).
        """
        match outcome:
            case DialOutcome.CONNECTED:
                return Done()
            case DialOutcome.AGENT_UNAVAILABLE:
                return self._after_our_failure(requested_at, now)
            case (
                DialOutcome.MACHINE
                | DialOutcome.NO_ANSWER
                | DialOutcome.BUSY
                | DialOutcome.FAILED
                | DialOutcome.DECLINED
            ):
                return self._after_customer_miss(
                    outcome, attempts, first_attempt_at, requested_at, now
                )
            case _:
                assert_never(outcome)

    def _after_our_failure(self, requested_at: datetime, now: datetime) -> Decision:
        at = now + self.agent_retry_delay
        if at > requested_at + self.expiry:
            return GiveUp(GiveUpReason.EXPIRED)
        return RetryAt(at, reason="agent unavailable; the customer's attempt is not used")

    def _after_customer_miss(
        self,
        outcome: DialOutcome,
        attempts: int,
        first_attempt_at: datetime,
        requested_at: datetime,
        now: datetime,
    ) -> Decision:
        if attempts >= self.max_attempts:
            return GiveUp(GiveUpReason.MAX_ATTEMPTS)
        at = now + self.backoff_after(attempts)
        if at > requested_at + self.expiry:
            return GiveUp(GiveUpReason.EXPIRED)
        if at > first_attempt_at + self.retry_window:
            return GiveUp(GiveUpReason.RETRY_WINDOW)
        return RetryAt(at, reason=f"{outcome.value} on attempt {attempts} of {self.max_attempts}")
