"""Enqueue: one request per number per queue, merged when it comes again, race-safe."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from callback.request import ContextEntry, Slot
from callback.store import Enqueued, QueueStore
from callback.store import queries as store_queries
from callback.store.engine import write_transaction
from callback.store.tables import REQUEST
from callback.types import Channel, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def _rows(store: QueueStore) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(REQUEST)).scalar_one()


def test_a_new_request_waits_in_line(store: QueueStore) -> None:
    told = incoming(-3, channel=Channel.IVR, name="Ada", language="fr", priority=2, reason="bill")
    result = store.enqueue(SUPPORT, number(1), told, at(0))
    request = result.request
    assert result.merged is None
    assert (request.queue, request.number, request.channel) == (SUPPORT, number(1), Channel.IVR)
    assert (request.state, request.virtual_start, request.created_at) == (
        State.WAITING,
        at(-3),
        at(0),
    )
    assert (request.name, request.language, request.priority) == ("Ada", "fr", 2)
    assert request.contexts == (ContextEntry(Channel.IVR, at(-3), {"reason": "bill"}),)
    assert (request.attempts, request.slot, request.promise) == (0, None, None)
    assert store.get(request.id) == request
    assert store.active_for(SUPPORT, number(1)) == request


def test_a_request_with_a_slot_is_scheduled(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0, slot=(60, 90)), at(0)).request
    assert request.state is State.SCHEDULED
    assert request.slot == Slot(at(60), at(90))
    assert request.language == "en"


def test_a_second_request_merges_keeping_the_earliest_place(store: QueueStore) -> None:
    first = store.enqueue(SUPPORT, number(1), incoming(0, page="/billing"), at(0))
    second = store.enqueue(
        SUPPORT, number(1), incoming(-10, channel=Channel.IVR, name="Bo", pressed="2"), at(5)
    )
    assert second.merged is not None
    assert second.request.id == first.request.id
    assert second.request.virtual_start == at(-10)
    assert [entry.channel for entry in second.request.contexts] == [Channel.WEB, Channel.IVR]
    assert [entry.data for entry in second.request.contexts] == [
        {"page": "/billing"},
        {"pressed": "2"},
    ]
    assert not second.merged.kept_earlier_place
    assert not second.merged.slot_changed
    assert second.merged.request == second.request == store.get(first.request.id)
    assert (second.request.name, second.request.updated_at) == ("Bo", at(5))
    assert _rows(store) == 1


def test_a_later_duplicate_reports_that_the_earlier_place_was_kept(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    again = store.enqueue(SUPPORT, number(1), incoming(4, channel=Channel.SMS), at(4))
    assert again.merged is not None and again.merged.kept_earlier_place
    assert again.request.virtual_start == at(0)


def test_a_new_slot_wish_reschedules_a_waiting_request(store: QueueStore) -> None:
    waiting = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    again = store.enqueue(SUPPORT, number(1), incoming(1, slot=(60, 90)), at(1))
    assert again.merged is not None and again.merged.slot_changed
    assert again.request.state is State.SCHEDULED
    assert again.request.slot == Slot(at(60), at(90))
    assert store.position(waiting.id, at(2)) is None  # out of line until the slot starts
    assert store.position(waiting.id, at(60)) is not None


def test_the_same_number_in_another_queue_is_another_request(store: QueueStore) -> None:
    support = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    sales = store.enqueue(SALES, number(1), incoming(0), at(0)).request
    assert support.id != sales.id
    assert _rows(store) == 2


def test_a_request_being_dialled_absorbs_a_new_one(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE)
    assert claim is not None
    again = store.enqueue(SUPPORT, number(1), incoming(2, channel=Channel.APP), at(2))
    assert again.request.id == claim.request.id
    assert again.request.state is State.DIALING
    assert len(again.request.contexts) == 2


def test_a_finished_request_does_not_absorb_a_new_one(store: QueueStore) -> None:
    old = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    store.transition(old.id, State.CANCELLED, at(1))
    new = store.enqueue(SUPPORT, number(1), incoming(2), at(2))
    assert new.merged is None and new.request.id != old.id
    assert store.active_for(SUPPORT, number(1)) == new.request


def test_the_database_refuses_a_second_active_request_for_a_number(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    with store.engine.connect() as connection:
        row = connection.execute(select(REQUEST).where(REQUEST.c.id == request.id)).mappings().one()
    copy = {key: value for key, value in row.items() if key != "id"}
    with pytest.raises(IntegrityError), write_transaction(store.engine) as connection:
        connection.execute(insert(REQUEST).values(copy | {"state": "scheduled"}))
    with write_transaction(store.engine) as connection:  # history rows do not count
        connection.execute(insert(REQUEST).values(copy | {"state": "completed"}))
    assert _rows(store) == 2


def test_an_insert_that_loses_the_race_merges_into_the_winner(
    store: QueueStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    real_lookup = store_queries.active_row
    blind = iter([True])

    def lookup_that_misses_once(*args: object, **kwargs: bool) -> object:
        # As if the winner committed between our lookup and our insert.
        return None if next(blind, False) else real_lookup(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_queries, "active_row", lookup_that_misses_once)
    loser = store.enqueue(SUPPORT, number(1), incoming(1, channel=Channel.SMS), at(1))
    assert loser.merged is not None
    assert loser.request.id == winner.id
    assert len(loser.request.contexts) == 2
    assert _rows(store) == 1


def test_concurrent_enqueues_of_one_number_end_as_one_request(store: QueueStore) -> None:
    threads = 6
    barrier = threading.Barrier(threads)

    def enqueue(n: int) -> Callable[[], Enqueued]:
        def run() -> Enqueued:
            barrier.wait()
            return store.enqueue(SUPPORT, number(1), incoming(n, attempt=n), at(n))

        return run

    with ThreadPoolExecutor(threads) as pool:
        results = [future.result() for future in [pool.submit(enqueue(n)) for n in range(threads)]]
    assert len({result.request.id for result in results}) == 1
    assert sum(result.merged is None for result in results) == 1
    stored = store.active_for(SUPPORT, number(1))
    assert stored is not None
    assert sorted(entry.data["attempt"] for entry in stored.contexts) == list(range(threads))
    assert stored.virtual_start == at(0)
    assert _rows(store) == 1
