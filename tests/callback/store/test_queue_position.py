"""Positions: the queue order, who counts as ahead, and why a position got worse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callback.ordering import MoveReason, Position
from callback.request import Promise
from callback.store import QueueStore, UnknownRequest
from callback.types import Channel, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def test_the_line_orders_by_priority_then_start_then_id(store: QueueStore) -> None:
    late_vip = store.enqueue(SUPPORT, number(1), incoming(9, priority=1), at(9)).request
    early = store.enqueue(SUPPORT, number(2), incoming(0), at(10)).request
    tie_first = store.enqueue(SUPPORT, number(3), incoming(5), at(11)).request
    tie_second = store.enqueue(SUPPORT, number(4), incoming(5), at(12)).request
    expected = [late_vip, early, tie_first, tie_second]
    ahead = [store.position(request.id, at(20)) for request in expected]
    assert ahead == [Position(ahead=n) for n in range(4)]


def test_only_due_requests_of_the_same_queue_are_ahead(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0, slot=(30, 60)), at(0))  # not due yet
    store.enqueue(SALES, number(2), incoming(0), at(0))  # another queue
    store.enqueue(SUPPORT, number(3), incoming(1), at(1))
    mine = store.enqueue(SUPPORT, number(4), incoming(2), at(2)).request
    assert store.position(mine.id, at(10)) == Position(ahead=1)
    assert store.position(mine.id, at(30)) == Position(ahead=2)


def test_a_request_out_of_line_has_no_position(store: QueueStore) -> None:
    scheduled = store.enqueue(SUPPORT, number(1), incoming(0, slot=(30, 60)), at(0)).request
    dialled = store.enqueue(SUPPORT, number(2), incoming(0), at(0)).request
    cancelled = store.enqueue(SUPPORT, number(3), incoming(0), at(0)).request
    assert claim_next(store, SUPPORT, at(1), LEASE) is not None
    store.transition(cancelled.id, State.CANCELLED, at(2))
    assert store.position(scheduled.id, at(29)) is None
    assert store.position(scheduled.id, at(30)) == Position(ahead=0)
    assert store.position(dialled.id, at(3)) is None
    assert store.position(cancelled.id, at(3)) is None


def test_the_position_of_an_unknown_request_is_an_error(store: QueueStore) -> None:
    with pytest.raises(UnknownRequest, match="42"):
        store.position(RequestId(42), at(0))


def test_a_priority_request_explains_a_worse_position(store: QueueStore) -> None:
    mine = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    store.record_announcement(mine.id, 0, None, at(1))
    store.enqueue(SUPPORT, number(2), incoming(2, priority=5), at(2))
    position = store.position(mine.id, at(3))
    assert position == Position(ahead=1, previous_ahead=0, reasons=(MoveReason.PRIORITY,))
    assert position.moved_back


def test_a_slot_that_falls_due_explains_a_worse_position(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(-20, slot=(10, 40)), at(-20))
    mine = store.enqueue(SUPPORT, number(2), incoming(0), at(0)).request
    store.record_announcement(mine.id, 0, None, at(1))
    assert store.position(mine.id, at(9)) == Position(ahead=0, previous_ahead=0)
    assert store.position(mine.id, at(10)) == Position(
        ahead=1, previous_ahead=0, reasons=(MoveReason.SLOT_DUE,)
    )


def test_a_retry_and_an_earlier_caller_explain_a_worse_position(store: QueueStore) -> None:
    retried = store.enqueue(SUPPORT, number(1), incoming(-5), at(-5)).request
    mine = store.enqueue(SUPPORT, number(2), incoming(0), at(0)).request
    assert claim_next(store, SUPPORT, at(1), LEASE) is not None
    store.record_announcement(mine.id, 0, None, at(2))
    store.transition(retried.id, State.WAITING, at(3), due_at=at(4))
    store.enqueue(SUPPORT, number(3), incoming(-1, channel=Channel.IVR), at(5))
    assert store.position(mine.id, at(6)) == Position(
        ahead=2,
        previous_ahead=0,
        reasons=(MoveReason.RETRY, MoveReason.EARLIER_ARRIVAL),
    )


def test_a_better_position_needs_no_explanation(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    mine = store.enqueue(SUPPORT, number(2), incoming(1), at(1)).request
    store.record_announcement(mine.id, 1, None, at(2))
    assert claim_next(store, SUPPORT, at(3), LEASE) is not None
    assert store.position(mine.id, at(4)) == Position(ahead=0, previous_ahead=1)


def test_an_announced_promise_is_kept_until_the_next_one(store: QueueStore) -> None:
    mine = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    promise = Promise(
        announced_at=at(1),
        wait=timedelta(minutes=12, microseconds=250),
        low=timedelta(minutes=8),
        high=timedelta(minutes=17, seconds=30),
        by=at(20),
    )
    store.record_announcement(mine.id, 3, promise, at(1))
    store.record_announcement(mine.id, 2, None, at(2))
    stored = store.get(mine.id)
    assert stored is not None and stored.promise == promise
    assert store.position(mine.id, at(3)) == Position(ahead=0, previous_ahead=2)


def test_announcing_to_an_unknown_request_is_an_error(store: QueueStore) -> None:
    with pytest.raises(UnknownRequest):
        store.record_announcement(RequestId(7), 0, None, at(0))
