"""Steering a request: cancel, move up and reschedule, and every refusal named."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from callback.service.steer import NoSuchRequest, Refused, cancel, move_to, move_up
from callback.store.queue import QueueStore
from callback.types import RequestId, State
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number

NOBODY = RequestId(999_999)


def _waiting(store: QueueStore, n: int = 1) -> RequestId:
    return store.enqueue(SUPPORT, number(n), incoming(0), at(0)).request.id


def test_cancel_refuses_an_unknown_request_and_keeps_a_cancelled_one(store: QueueStore) -> None:
    with pytest.raises(NoSuchRequest, match="no such request"):
        cancel(store, NOBODY, at(1))
    request = _waiting(store)
    first = cancel(store, request, at(1))
    again = cancel(store, request, at(2))
    assert (first.state, again.state) == (State.CANCELLED, State.CANCELLED)
    assert again.updated_at == first.updated_at


def test_a_request_being_dialled_is_neither_cancelled_nor_moved(store: QueueStore) -> None:
    request = _waiting(store)
    assert claim_next(store, SUPPORT, at(1), LEASE) is not None
    with pytest.raises(Refused, match="dialing request can no longer be cancelled"):
        cancel(store, request, at(2))
    with pytest.raises(Refused, match="dialing request can no longer be moved"):
        move_up(store, request, at(2))
    with pytest.raises(Refused, match="dialing request can no longer be rescheduled"):
        move_to(store, request, at(60), at(2))
    found = store.get(request)
    assert found is not None and found.state is State.DIALING


def test_moving_an_unknown_request_is_refused(store: QueueStore) -> None:
    with pytest.raises(Refused, match="no such request"):
        move_up(store, NOBODY, at(1))
    with pytest.raises(Refused, match="no such request"):
        move_to(store, NOBODY, at(60), at(1))


@pytest.mark.parametrize(
    ("start", "rule"),
    [
        (at(0), "the new time has passed"),
        (at(1) + timedelta(days=61), "more than 60 days ahead"),
    ],
)
def test_a_new_time_must_be_ahead_and_within_sixty_days(
    store: QueueStore, start: datetime, rule: str
) -> None:
    request = _waiting(store)
    with pytest.raises(Refused, match=rule):
        move_to(store, request, start, at(1))
    found = store.get(request)
    assert found is not None and found.state is State.WAITING


def test_a_waiting_request_is_moved_up_and_rescheduled(store: QueueStore) -> None:
    request = _waiting(store)
    assert move_up(store, request, at(1)).priority == 1
    moved = move_to(store, request, at(60), at(2))
    assert (moved.state, moved.due_at()) == (State.SCHEDULED, at(60))
