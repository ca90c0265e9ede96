"""An incoming call's transaction: its leg is stored once, the caller's pending request found."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine

from callback.store import QueueStore
from callback.store.arrival import INBOUND, NEW_RANK, Arrival, NewCall
from callback.store.calls import CallStore
from callback.store.engine import BUSY_TIMEOUT_MS
from callback.types import State
from tests.callback.store.support import SALES, SUPPORT, at, incoming, number


def test_the_leg_is_stored_once_with_its_first_arrival(engine: Engine) -> None:
    arrival = Arrival.of(engine.dialect)
    assert arrival.run(engine, "CA1", SUPPORT, None, at(0)) is None
    assert arrival.run(engine, "CA1", SALES, number(1), at(5)) is None
    record = CallStore(engine).get("CA1")
    assert record is not None
    assert (record.direction, record.queue, record.arrived_at) == (INBOUND, SUPPORT, at(0))
    assert (record.status, record.status_rank) == (None, NEW_RANK)


def test_the_callers_unfinished_request_in_the_queue_is_found(store: QueueStore) -> None:
    arrival = Arrival.of(store.engine.dialect)
    waiting = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    done = store.enqueue(SUPPORT, number(2), incoming(), at(0)).request
    store.transition(done.id, State.CANCELLED, at(1))
    engine = store.engine
    assert arrival.run(engine, "CA1", SUPPORT, number(1), at(2)) == waiting.id
    assert arrival.run(engine, "CA2", SALES, number(1), at(2)) is None
    assert arrival.run(engine, "CA3", SUPPORT, number(2), at(2)) is None
    assert arrival.run(engine, "CA4", SUPPORT, number(3), at(2)) is None


def test_a_failed_arrival_stores_nothing_and_leaves_writers_free(engine: Engine) -> None:
    arrival = Arrival.of(engine.dialect)
    with pytest.raises(ValueError, match="naive"):
        arrival.run(engine, "CA1", SUPPORT, None, at(0).replace(tzinfo=None))
    calls = CallStore(engine)
    assert calls.get("CA1") is None
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    # Another thread's writer would wait out BUSY_TIMEOUT_MS on a writer lock left held.
    other = threading.Thread(target=calls.arrive, args=("CA2", INBOUND, SUPPORT, at(0)))
    other.start()
    other.join(timeout=BUSY_TIMEOUT_MS / 2000)
    assert not other.is_alive() and calls.get("CA2") is not None


def test_a_pending_request_is_returned_whole(store: QueueStore) -> None:
    stored = store.enqueue(SUPPORT, number(1), incoming(name="Ada"), at(0)).request
    found = CallStore(store.engine).arrive_known("CA1", SUPPORT, number(1), at(3))
    assert found == stored


def test_calls_arriving_together_are_stored_in_one_transaction(store: QueueStore) -> None:
    waiting = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    arrival = Arrival.of(store.engine.dialect)
    calls = [NewCall(f"CA{n}", SUPPORT, number(n), at(2)) for n in (1, 2, 3)]
    assert arrival.run_all(store.engine, calls) == [waiting.id, None, None]
    stored = [CallStore(store.engine).get(f"CA{n}") for n in (1, 2, 3)]
    assert all(record is not None and record.arrived_at == at(2) for record in stored)


def test_a_batch_that_fails_stores_none_of_its_calls(engine: Engine) -> None:
    arrival = Arrival.of(engine.dialect)
    good = NewCall("CA1", SUPPORT, None, at(0))
    naive = NewCall("CA2", SUPPORT, None, at(0).replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        arrival.run_all(engine, [good, naive])
    assert CallStore(engine).get("CA1") is None
