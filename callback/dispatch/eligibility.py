"""When one customer may be dialled: due, in their calling window, queue accepting, unexpired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeAlias
from zoneinfo import ZoneInfo

from callback.calling_window import CallingWindow, allows, next_allowed
from callback.config.policy import CallbackPolicy
from callback.dispatch.opening import Gate, gate, next_accepting
from callback.hours import Schedule
from callback.request import CallbackRequest
from callback.types import PENDING_STATES

MAX_STEPS = 64
"""Rounds of the search for an instant all rules allow; each moves to a later opening."""


class Wait(StrEnum):
    """The first rule, in this order, that forbids dialling a request now."""

    NOT_DUE = "not_due"
    CLOSED = "closed"
    CUTOFF = "cutoff"
    CALLING_WINDOW = "calling_window"


@dataclass(frozen=True, slots=True)
class Eligible:
    """The request may be dialled now."""


@dataclass(frozen=True, slots=True)
class NotBefore:
    """Not now, because of `reason`; the earliest instant every rule allows is `at` (UTC).

    Should the search bound be reached first, `at` is only a lower bound (no earlier instant
    is allowed); looking again then carries the search on.
    """

    at: datetime
    reason: Wait


@dataclass(frozen=True, slots=True)
class Expired:
    """The request expires at `at` (UTC), already past or before any instant it could be dialled."""

    at: datetime


Eligibility: TypeAlias = Eligible | NotBefore | Expired


@dataclass(frozen=True, slots=True)
class _Rules:
    """Everything except the clock that decides when one request may be dialled."""

    request: CallbackRequest
    window: CallingWindow
    fallback_zone: ZoneInfo
    schedule: Schedule
    policy: CallbackPolicy

    def blocker(self, now: datetime, due: datetime) -> Wait | None:
        """The first rule forbidding a dial at `now`, or None when all allow it."""
        if now < due:
            return Wait.NOT_DUE
        match gate(self.schedule, self.policy, now):
            case Gate.CLOSED:
                return Wait.CLOSED
            case Gate.CUTOFF:
                return Wait.CUTOFF
            case Gate.ACCEPTING:
                pass
        if not allows(self.window, self.request.number, now, self.fallback_zone):
            return Wait.CALLING_WINDOW
        return None

    def earliest(self, start: datetime, expires: datetime) -> datetime | None:
        """The first instant in `[start, expires)` the window and the hours both allow.

        Both searches return `start` itself when it is allowed, so alternating them
        reaches a fixed point: an instant each accepts, with none allowed before it. After
        `MAX_STEPS` rounds without one, the instant reached is returned as a lower bound.
        """
        at = start
        for _ in range(MAX_STEPS):
            callee = next_allowed(self.window, self.request.number, at, self.fallback_zone)
            if callee is None or callee >= expires:
                return None
            queue = next_accepting(self.schedule, self.policy, callee, expires)
            if queue is None or queue == callee:
                return queue
            at = queue
        return at


def eligible(
    request: CallbackRequest,
    now: datetime,
    *,
    window: CallingWindow,
    fallback_zone: ZoneInfo,
    schedule: Schedule,
    policy: CallbackPolicy,
    due: datetime | None = None,
) -> Eligibility:
    """Whether `request` may be dialled at `now`, else from when, else that it expires first.

    `due` is the stored due time (a retry after its backoff); without it the request is
    due at its slot's start, or at once. A slot already past is still dialled: late, not never.
    """
    if request.state not in PENDING_STATES:
        raise ValueError(f"a {request.state.value} request is not waiting to be dialled")
    now = now.astimezone(UTC)
    expires = (request.created_at + policy.expiry).astimezone(UTC)
    if now >= expires:
        return Expired(expires)
    rules = _Rules(request, window, fallback_zone, schedule, policy)
    due_at = (request.due_at() if due is None else due).astimezone(UTC)
    reason = rules.blocker(now, due_at)
    if reason is None:
        return Eligible()
    at = rules.earliest(max(now, due_at), expires)
    return Expired(expires) if at is None else NotBefore(at.astimezone(UTC), reason)
