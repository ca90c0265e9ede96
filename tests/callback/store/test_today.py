"""Today's wallboard figures against a known history, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import timedelta

import pytest
from sqlalchemy import Engine, update

from callback.store import QueueStore
from callback.store.engine import read_transaction, write_transaction
from callback.store.events import EventStore, Overdue
from callback.store.tables import REQUEST
from callback.store.today import Today, today
from callback.types import RequestId, State
from tests.callback.store.report_history import at as report_at
from tests.callback.store.report_history import history
from tests.callback.store.support import LEASE, SALES, SUPPORT, T0, at, claim_next, incoming, number
from tests.callback.store.test_report import EXPECTED_DAY as DAY

MIDNIGHT = T0.replace(hour=0)
TARGET = timedelta(seconds=60)


def _reach(store: QueueStore, claim_at: float, done_at: float) -> RequestId:
    claim = claim_next(store, SUPPORT, at(claim_at), LEASE)
    assert claim is not None
    store.transition(claim.request.id, State.CONNECTED, at(claim_at + 0.2))
    store.transition(claim.request.id, State.COMPLETED, at(done_at))
    return claim.request.id


def _promise(engine: Engine, request_id: RequestId, by: float) -> None:
    with write_transaction(engine) as connection:
        query = update(REQUEST).where(REQUEST.c.id == request_id)
        connection.execute(query.values(promise_by=at(by)))


def _history(store: QueueStore, engine: Engine) -> None:
    """Two reached (one in 30 s, promise kept; one in 3 min, promise broken), one left
    without a dial, one still waiting, and yesterday's and another queue's requests."""
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    first = _reach(store, 0.5, 5)
    _promise(engine, first, 2)
    store.enqueue(SUPPORT, number(2), incoming(10), at(10))
    second = _reach(store, 13, 15)
    _promise(engine, second, 12)
    overdue = Overdue(second, SUPPORT, number(2), "en", State.DIALING, at(12), 1)
    assert EventStore(engine).mark_broken(overdue, at(13), emit=False)
    left = store.enqueue(SUPPORT, number(3), incoming(20), at(20)).request
    store.transition(left.id, State.CANCELLED, at(21))
    store.enqueue(SUPPORT, number(4), incoming(30), at(30))
    old = store.enqueue(SUPPORT, number(5), incoming(-600), at(-600)).request
    store.transition(old.id, State.CANCELLED, at(-570))
    elsewhere = store.enqueue(SALES, number(6), incoming(5), at(5)).request
    store.transition(elsewhere.id, State.EXPIRED, at(6))


def test_todays_figures_count_only_the_queue_and_the_day(store: QueueStore, engine: Engine) -> None:
    _history(store, engine)
    with read_transaction(engine) as connection:
        figures = today(connection, SUPPORT, MIDNIGHT, at(60), TARGET)
    assert (figures.offered, figures.completed, figures.abandoned) == (4, 2, 1)
    assert figures.within_target == 1
    assert figures.answer_seconds == pytest.approx(30 + 180)
    assert (figures.promises_kept, figures.promises_broken) == (1, 1)
    assert figures.service_level == pytest.approx(1 / 3)
    assert figures.average_answer == pytest.approx(105)
    assert figures.abandonment == pytest.approx(1 / 3)


def test_a_later_start_leaves_the_morning_out(store: QueueStore, engine: Engine) -> None:
    _history(store, engine)
    with read_transaction(engine) as connection:
        figures = today(connection, SUPPORT, at(12), at(60), TARGET)
    assert (figures.offered, figures.completed, figures.abandoned) == (2, 1, 1)
    assert (figures.promises_kept, figures.promises_broken) == (0, 1)
    assert figures.average_answer == pytest.approx(180)


def test_an_empty_day_has_no_rates(engine: Engine) -> None:
    with read_transaction(engine) as connection:
        figures = today(connection, SUPPORT, MIDNIGHT, at(60), TARGET)
    assert figures.offered == 0
    assert figures.service_level is figures.average_answer is figures.abandonment is None


def test_the_wallboards_day_counts_as_the_report_does(engine: Engine) -> None:
    # The report's hand-built day: callers on hold served, abandoned and gone to a callback,
    # and the waits told against the waits that happened, all in the wallboard's figures too.
    with write_transaction(engine) as connection:
        history(connection)
    with read_transaction(engine) as connection:
        figures = today(connection, SUPPORT, report_at(0, 0), report_at(0, 0, day=3), TARGET)
    shared = [name for name in (f.name for f in dataclass_fields(Today)) if hasattr(DAY, name)]
    assert {name: getattr(figures, name) for name in shared} == {
        name: getattr(DAY, name) for name in shared
    }
    assert (figures.promises_kept, figures.promises_broken) == (DAY.kept, DAY.broken)
    assert figures.handled == DAY.handled == 3
    assert figures.service_level == pytest.approx(DAY.service_level)
    assert figures.average_answer == pytest.approx(90.0)
    assert (figures.estimate_error, figures.estimate_hit_rate) == (35.0, 0.5)
