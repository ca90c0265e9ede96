"""The console's list, timeline and steering on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from callback.service.steer import Refused, cancel, move_to, move_up
from callback.store import QueueStore
from callback.store.engine import read_transaction
from callback.store.listing import RequestFilter, list_requests, reached_at, timeline
from callback.types import Channel, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def _ids(engine: Engine, wanted: RequestFilter, size: int = 50) -> tuple[list[int], bool]:
    with read_transaction(engine) as connection:
        rows, more = list_requests(connection, wanted, size)
    return [row.id for row in rows], more


def test_filters_and_keyset_pages(store: QueueStore, engine: Engine) -> None:
    ids = [
        store.enqueue(
            SALES if n % 3 == 0 else SUPPORT, number(n), incoming(n), at(n // 2)
        ).request.id
        for n in range(7)
    ]
    newest = sorted(ids, key=lambda i: (ids.index(i) // 2, i), reverse=True)
    first, more = _ids(engine, RequestFilter(), size=3)
    assert (first, more) == (newest[:3], True)
    rest, more = _ids(engine, RequestFilter(before=first[-1]), size=10)
    assert (rest, more) == (newest[3:], False)
    assert _ids(engine, RequestFilter(queue="sales"))[0] == [ids[6], ids[3], ids[0]]
    assert _ids(engine, RequestFilter(channel="ivr"))[0] == []
    assert len(_ids(engine, RequestFilter(day=date(2026, 3, 2)))[0]) == 7
    assert _ids(engine, RequestFilter(day=date(2026, 3, 3)))[0] == []


def test_steering_a_waiting_request(store: QueueStore) -> None:
    first = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request.id
    second = store.enqueue(SUPPORT, number(2), incoming(1), at(1)).request.id
    assert move_up(store, second, at(2)).priority == 1
    claim = claim_next(store, SUPPORT, at(3), LEASE)
    assert claim is not None and claim.request.id == second
    moved = move_to(store, first, at(60), at(3))
    assert (moved.state, moved.due_at()) == (State.SCHEDULED, at(60))
    assert moved.slot is not None and moved.slot.end == at(90)
    with pytest.raises(Refused, match="dialing request can no longer be moved"):
        move_up(store, second, at(4))
    with pytest.raises(Refused, match="can no longer be cancelled"):
        cancel(store, second, at(4))
    assert cancel(store, first, at(5)).state is State.CANCELLED
    assert cancel(store, first, at(6)).state is State.CANCELLED
    with pytest.raises(Refused, match="no such request"):
        move_up(store, RequestId(999_999), at(6))


def test_the_timeline_of_a_reached_request(store: QueueStore, engine: Engine) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0, channel=Channel.SMS), at(0)).request
    claim = claim_next(store, SUPPORT, at(1), LEASE)
    assert claim is not None
    store.transition(request.id, State.CONNECTED, at(1.5))
    store.transition(request.id, State.COMPLETED, at(4))
    with read_transaction(engine) as connection:
        steps = timeline(connection, request.id)
        reached = reached_at(connection, request.id)
    assert [(s.at, s.what) for s in steps] == [
        (at(0), "requested"),
        (at(1), "dial"),
        (at(4), "completed"),
    ]
    assert steps[1].detail.startswith("attempt 1: completed")
    assert reached == at(1)
