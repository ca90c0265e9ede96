from datetime import datetime, timedelta

import pytest
from sqlalchemy import Table, func, insert, select

from callback.store import QueueStore, retention
from callback.store.announcements import ANNOUNCEMENT
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldState
from callback.store.tables import (
    ATTEMPT,
    BROKEN_PROMISE,
    CALL_EVENT,
    EVENT_OUTBOX,
    EVENT_WATCH,
    PHONE_CALL,
    PRESENCE_CHANGE,
    STATUS_TOKEN,
)
from callback.types import RequestId, State
from tests.callback.store.accuracy_history import booked, hold, told
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number

DAY = 24 * 60
MONTH = timedelta(days=30)
YEAR = timedelta(days=365)


def finished_request(store: QueueStore, n: int, minutes: float) -> RequestId:
    """A request dialled once (no answer) and then cancelled at T0 + `minutes`."""
    store.enqueue(
        SUPPORT, number(n), incoming(minutes - 5, name="Ada", order="A-1"), at(minutes - 5)
    )
    claim = claim_next(store, SUPPORT, at(minutes - 4), LEASE)
    assert claim is not None
    store.finish_attempt(claim.attempt_id, claim.fence, "no_answer", at(minutes - 3))
    store.transition(claim.request.id, State.WAITING, at(minutes - 3))
    store.transition(claim.request.id, State.CANCELLED, at(minutes))
    return claim.request.id


def attempt_numbers(store: QueueStore, request_id: int) -> list[str]:
    with store.engine.connect() as connection:
        query = select(ATTEMPT.c.number).where(ATTEMPT.c.request_id == request_id)
        return list(connection.execute(query).scalars())


def test_personal_data_of_old_finished_requests_is_erased(store: QueueStore) -> None:
    old = finished_request(store, 1, 10)
    recent = finished_request(store, 2, 40 * DAY)
    waiting = store.enqueue(SUPPORT, number(3), incoming(0, name="Bo"), at(0)).request.id
    report = store.purge(at(41 * DAY), MONTH, YEAR)
    assert (report.erased, report.deleted) == (1, 0)
    erased = store.get(old)
    assert erased is not None
    assert (erased.number, erased.name, erased.contexts) == ("", None, ())
    assert erased.state is State.CANCELLED
    assert attempt_numbers(store, old) == [""]
    kept = store.get(recent)
    assert kept is not None and kept.number == number(2) and kept.name == "Ada"
    assert attempt_numbers(store, recent) == [number(2)]
    still_waiting = store.get(waiting)
    assert still_waiting is not None and still_waiting.number == number(3)


def test_a_second_purge_finds_nothing_more(store: QueueStore) -> None:
    finished_request(store, 1, 10)
    assert store.purge(at(41 * DAY), MONTH, YEAR).erased == 1
    assert store.purge(at(42 * DAY), MONTH, YEAR).erased == 0


def test_history_past_its_keep_time_is_deleted_with_its_attempts(store: QueueStore) -> None:
    old = finished_request(store, 1, 10)
    store.record_config_change(at(0), "holdless.toml", "a", "b", ["agents"])
    claimer = _count(store, PRESENCE_CHANGE)  # the dialling agent went available, then busy
    report = store.purge(at(400 * DAY), MONTH, YEAR)
    assert (report.deleted, report.history_rows) == (1, 1 + claimer)
    assert _count(store, PRESENCE_CHANGE) == 0
    assert store.get(old) is None
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ATTEMPT)).scalar_one() == 0


def test_purge_works_in_batches(store: QueueStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 5)
    for n in range(12):
        finished_request(store, n, 10 + n)
    assert store.purge(at(41 * DAY), MONTH, YEAR).erased == 12


HISTORY = (CALL_EVENT, PHONE_CALL, PRESENCE_CHANGE)
OF_REQUEST = (STATUS_TOKEN, EVENT_WATCH, BROKEN_PROMISE, EVENT_OUTBOX)
"""Rows that go with their request (the lifecycle events too, delivered or not)."""


def _history(store: QueueStore, tag: str, when: datetime, request_id: int) -> None:
    rows: list[tuple[Table, dict[str, object]]] = [
        (
            CALL_EVENT,
            {
                "sid": f"CA{tag}",
                "kind": "status",
                "status": "completed",
                "applied": True,
                "at": when,
            },
        ),
        (
            PHONE_CALL,
            {
                "call_sid": f"CA{tag}",
                "direction": "inbound",
                "queue": SUPPORT,
                "arrived_at": when,
                "status_rank": 3,
                "updated_at": when,
            },
        ),
        (PRESENCE_CHANGE, {"agent_id": "alice", "status": "away", "at": when, "cause": "api"}),
        (
            EVENT_OUTBOX,
            {
                "kind": "completed",
                "request_id": request_id,
                "queue": SUPPORT,
                "state": "completed",
                "at": when,
                "attempts": 1,
                "delivered_at": when,
            },
        ),
        (
            STATUS_TOKEN,
            {"token_sha256": f"sha-{tag}", "request_id": request_id, "created_at": when},
        ),
        (EVENT_WATCH, {"request_id": request_id, "state": "cancelled", "contexts": 1}),
        (
            BROKEN_PROMISE,
            {"request_id": request_id, "queue": SUPPORT, "promise_by": when, "at": when},
        ),
    ]
    with store.engine.begin() as connection:
        for table, values in rows:
            connection.execute(insert(table).values(**_columns(table, values)))


def _columns(table: Table, values: dict[str, object]) -> dict[str, object]:
    # Tables may carry more nullable columns than a test cares about.
    return {name: value for name, value in values.items() if name in table.c}


def _count(store: QueueStore, table: Table) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_old_call_presence_and_event_history_goes_and_recent_history_stays(
    store: QueueStore,
) -> None:
    old = finished_request(store, 1, 10)
    old_claimer = _count(store, PRESENCE_CHANGE)  # each dial's agent: available, then busy
    recent = finished_request(store, 2, 380 * DAY)
    recent_claimer = _count(store, PRESENCE_CHANGE) - old_claimer
    _history(store, "old", at(10), old)
    _history(store, "new", at(380 * DAY), recent)
    report = store.purge(at(400 * DAY), MONTH, YEAR)
    assert report.deleted == 1
    assert report.history_rows == len(HISTORY) + old_claimer
    for table in (*HISTORY, *OF_REQUEST):
        kept = 1 + (recent_claimer if table is PRESENCE_CHANGE else 0)
        assert _count(store, table) == kept, table.name


def test_finished_callers_on_hold_and_their_offers_go_with_the_history(
    store: QueueStore,
) -> None:
    held = HeldStore(store.engine)
    old = held.join(Joining("CA-old", SUPPORT, "QU1", "en", 0, at(0)), at(0))
    assert held.finish_holding(old, HeldState.ABANDONED, at(1)) is not None
    waiting = held.join(Joining("CA-now", SUPPORT, "QU1", "en", 0, at(399 * DAY)), at(399 * DAY))
    report = store.purge(at(400 * DAY), MONTH, YEAR)
    assert report.history_rows == 1
    assert held.by_sid("CA-old") is None
    assert held.by_sid("CA-now") == waiting  # still in the line: never history


def test_announcements_go_with_their_request_and_with_the_history(store: QueueStore) -> None:
    held = HeldStore(store.engine)
    old_request = booked(store, 1, told(0, 60, 30, 90, 2))
    store.transition(old_request, State.CANCELLED, at(1))
    hold(held, "CA-old", 0, told(0, 60, 30, 90, source="hold"))
    caller = held.by_sid("CA-old")
    assert caller is not None and held.finish_holding(caller, HeldState.ABANDONED, at(1))
    recent = booked(store, 2, told(399 * DAY, 60, 30, 90, 399 * DAY + 2))
    hold(held, "CA-new", 399 * DAY, told(399 * DAY, 60, 30, 90, source="hold"))
    report = store.purge(at(400 * DAY), MONTH, YEAR)
    assert report.deleted == 1
    # The caller's row and their announcement: neither holds a number, both are history.
    assert report.history_rows == 2
    with store.engine.connect() as connection:
        query = select(ANNOUNCEMENT.c.request_id, ANNOUNCEMENT.c.held_id)
        left = [tuple(row) for row in connection.execute(query.order_by(ANNOUNCEMENT.c.id))]
    new_caller = held.by_sid("CA-new")
    assert new_caller is not None
    assert left == [(recent, None), (None, new_caller.id)]
