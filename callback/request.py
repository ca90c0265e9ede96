"""The callback request and its explicit state machine."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from callback.types import E164, FINAL_STATES, Channel, QueueName, RequestId, State


class IllegalTransition(ValueError):
    """A state change that the lifecycle does not allow."""

    def __init__(self, current: State, target: State) -> None:
        super().__init__(f"a {current.value} request cannot become {target.value}")
        self.current = current
        self.target = target


_TRANSITIONS: dict[State, frozenset[State]] = {
    State.WAITING: frozenset({State.SCHEDULED, State.DIALING, State.CANCELLED, State.EXPIRED}),
    State.SCHEDULED: frozenset({State.WAITING, State.DIALING, State.CANCELLED, State.EXPIRED}),
    # A dial that did not reach a human goes back to the line (retry) or ends.
    State.DIALING: frozenset(
        {State.CONNECTED, State.WAITING, State.SCHEDULED, State.FAILED, State.CANCELLED}
    ),
    State.CONNECTED: frozenset({State.COMPLETED, State.WAITING, State.SCHEDULED, State.FAILED}),
}


def allowed_targets(current: State) -> frozenset[State]:
    """The states a request in `current` may move to; final states absorb."""
    return _TRANSITIONS.get(current, frozenset())


def check_transition(current: State, target: State) -> None:
    """Raise `IllegalTransition` unless `current -> target` is part of the lifecycle."""
    if target not in allowed_targets(current):
        raise IllegalTransition(current, target)


@dataclass(frozen=True, slots=True)
class Slot:
    """A requested time window for a scheduled callback (UTC, half-open)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("slot end must be after its start")


@dataclass(frozen=True, slots=True)
class Promise:
    """What the customer was told: an expected wait with its range and a clock time."""

    announced_at: datetime
    wait: timedelta
    low: timedelta
    high: timedelta
    by: datetime


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """What one channel told us about the customer's need (IVR choices, page, order id ...)."""

    channel: Channel
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    """One customer's request to be called back, as the core sees it."""

    id: RequestId
    queue: QueueName
    number: E164
    channel: Channel
    virtual_start: datetime
    created_at: datetime
    updated_at: datetime
    state: State = State.WAITING
    name: str | None = None
    language: str = "en"
    priority: int = 0
    contexts: tuple[ContextEntry, ...] = ()
    slot: Slot | None = None
    attempts: int = 0
    promise: Promise | None = None

    @property
    def is_final(self) -> bool:
        """True once the request can no longer change."""
        return self.state in FINAL_STATES

    def due_at(self) -> datetime:
        """When the request may be dialled: its slot's start, or at once."""
        return self.slot.start if self.slot is not None else self.virtual_start

    def moved_to(self, target: State, now: datetime) -> CallbackRequest:
        """A copy in `target`, refusing transitions the lifecycle does not allow."""
        check_transition(self.state, target)
        return dataclasses.replace(self, state=target, updated_at=now)
