"""What a supervisor may do to a request: cancel it, move it up, reschedule it.

Cancelling follows the same rule as the status link and SMS CANCEL: only a request still
waiting in line (or scheduled) can be cancelled, and a cancelled one stays cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from callback.request import CallbackRequest
from callback.store.queue import QueueStore
from callback.store.records import StateConflict, UnknownRequest
from callback.store.steering import NotPending, raise_priority, reschedule
from callback.types import PENDING_STATES, RequestId, State

FURTHEST = timedelta(days=60)
"""How far ahead a request may be rescheduled."""


class Refused(ValueError):
    """The action is not possible now; the message names the rule."""


def cancel(store: QueueStore, request_id: RequestId, now: datetime) -> CallbackRequest:
    """Cancel a request that still waits (a cancelled one is left as it is)."""
    found = store.get(request_id)
    if found is None:
        raise Refused("no such request")
    if found.state is State.CANCELLED:
        return found
    if found.state not in PENDING_STATES:
        raise Refused(f"a {found.state.value} request can no longer be cancelled")
    try:
        return store.transition(request_id, State.CANCELLED, now, expected=found.state)
    except StateConflict as conflict:
        raise Refused(f"the request became {conflict.actual.value} meanwhile") from None


def move_up(store: QueueStore, request_id: RequestId, now: datetime) -> CallbackRequest:
    """Raise a waiting request's priority by one."""
    try:
        return raise_priority(store.engine, request_id, now)
    except UnknownRequest:
        raise Refused("no such request") from None
    except NotPending as gone:
        raise Refused(f"a {gone.state.value} request can no longer be moved") from None


def move_to(
    store: QueueStore, request_id: RequestId, start: datetime, now: datetime
) -> CallbackRequest:
    """Schedule a waiting request for `start` (not in the past, not too far ahead)."""
    if start < now:
        raise Refused("the new time has passed")
    if start > now + FURTHEST:
        raise Refused("the new time is more than 60 days ahead")
    try:
        return reschedule(store.engine, request_id, start, now)
    except UnknownRequest:
        raise Refused("no such request") from None
    except NotPending as gone:
        raise Refused(f"a {gone.state.value} request can no longer be rescheduled") from None
