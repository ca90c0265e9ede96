"""Announcements kept beside what happened, and the daily figure, on SQLite and PostgreSQL."""

from __future__ import annotations

from math import sqrt
from typing import Any

import pytest
from sqlalchemy import event, select

from callback.accuracy import Tally
from callback.store import QueueStore, make_engine
from callback.store.announcements import ANNOUNCEMENT, AccuracyStore, Outcome, judged
from callback.store.engine import read_transaction
from callback.store.held import HeldStore
from callback.store.held_line import HeldState
from callback.types import RequestId, State
from tests.callback.store.accuracy_history import (
    MIDNIGHT,
    booked,
    bridge_head,
    connect_next,
    history,
    hold,
    told,
)
from tests.callback.store.support import SUPPORT, at

_n = ANNOUNCEMENT.c


def _endings(store: QueueStore) -> list[tuple[int | None, int | None, bool, str | None]]:
    query = select(_n.request_id, _n.held_id, _n.is_first, _n.outcome).order_by(_n.id)
    with read_transaction(store.engine) as connection:
        return [tuple(row) for row in connection.execute(query)]


def test_the_day_is_judged_as_worked_out_by_hand(store: QueueStore) -> None:
    history(store)
    daily = AccuracyStore(store.engine).daily(SUPPORT, MIDNIGHT, at(30))
    first, every = daily.first, daily.every
    assert (first.count, first.gave_up) == (3, 2)
    assert first.bias_s == pytest.approx(70)
    assert first.rmse_s == pytest.approx(sqrt(6300))
    assert first.inside_range == pytest.approx(1 / 2) and first.ranges_judged == 2
    assert first.promises_kept == pytest.approx(2 / 3) and first.promises_judged == 3
    assert (every.count, every.gave_up) == (4, 2)
    assert every.bias_s == pytest.approx(67.5)
    assert every.rmse_s == pytest.approx(75)
    assert every.inside_range == pytest.approx(2 / 3) and every.ranges_judged == 3
    assert every.promises_kept == pytest.approx(2 / 3) and every.promises_judged == 3
    assert daily.since == MIDNIGHT


def test_only_waits_ended_in_the_span_count(store: QueueStore) -> None:
    history(store)
    with read_transaction(store.engine) as connection:
        # From 06:00 on: D (reached at 0.5) and E (gone at 4) are before it.
        later = judged(connection, SUPPORT, at(4.5), at(30))
        early = judged(connection, SUPPORT, MIDNIGHT, at(4.5))
    assert (later.first.reached, later.first.gave_up) == (2, 1)
    assert (early.first.reached, early.first.gave_up) == (1, 1)
    assert later.every.plus(early.every) == judged_all(store)


def judged_all(store: QueueStore) -> Tally:
    with read_transaction(store.engine) as connection:
        return judged(connection, SUPPORT, MIDNIGHT, at(30)).every


def test_each_person_has_one_first_announcement_and_their_endings(store: QueueStore) -> None:
    history(store)
    rows = _endings(store)
    firsts = [(request, held) for request, held, first, _ in rows if first]
    assert len(firsts) == len(set(firsts)) == len({(r, h) for r, h, _, _ in rows})
    held = [(first, outcome) for _, caller, first, outcome in rows if caller is not None]
    # B's two rounds, then E and F: their waits ended reached, abandoned and left.
    assert held == [
        (True, "reached"),
        (False, "reached"),
        (True, "abandoned"),
        (True, "left"),
    ]
    callbacks = [outcome for request, _, _, outcome in rows if request is not None]
    assert callbacks == ["reached", "reached", "cancelled", "reached", "cancelled", None]


def test_a_second_booking_announcement_is_not_the_first(store: QueueStore) -> None:
    request = booked(store, 1, told(0, 300, 120, 600, 10))
    booked_again = booked(store, 1, told(2, 200, 100, 400, 9))  # the same number: merged
    assert booked_again == request
    assert [first for _, _, first, _ in _endings(store)] == [True, False]


def test_the_first_ending_stays(store: QueueStore) -> None:
    request = booked(store, 1, told(0, 60, 30, 90, 2))
    AccuracyStore(store.engine).reached(request, at(1))  # agent-first: the customer answered
    connect_next(store, SUPPORT, 0.5, 3)  # the bridge ended: connected only now
    store.transition(request, State.FAILED, at(4))
    with read_transaction(store.engine) as connection:
        row = connection.execute(select(_n.ended_at, _n.outcome)).one()
    assert tuple(row) == (at(1), Outcome.REACHED.value)


@pytest.mark.parametrize("state", [State.CANCELLED, State.EXPIRED])
def test_a_request_given_up_on_before_a_dial_ends_unreached(
    store: QueueStore, state: State
) -> None:
    request: RequestId = booked(store, 1, told(0, 60, 30, 90, 2))
    store.transition(request, state, at(5))
    daily = AccuracyStore(store.engine).daily(SUPPORT, MIDNIGHT, at(6))
    assert (daily.first.count, daily.first.gave_up, daily.first.promises_judged) == (0, 1, 1)
    assert daily.first.promises_kept == 0
    assert [outcome for *_, outcome in _endings(store)] == [state.value]


def test_a_caller_put_back_keeps_waiting_and_a_served_one_ends_once(store: QueueStore) -> None:
    held = HeldStore(store.engine)
    hold(held, "CA1", 0, told(0, 60, 30, 90, source="hold"))
    bridge_head(store.engine, 1)
    caller = held.by_sid("CA1")
    assert caller is not None and caller.state is HeldState.BRIDGED
    assert held.end(caller, HeldState.SERVED, "connected", at(9))
    with read_transaction(store.engine) as connection:
        row = connection.execute(select(_n.ended_at, _n.outcome)).one()
    assert tuple(row) == (at(1), "reached")


def test_a_round_for_a_caller_no_longer_in_line_is_not_kept(store: QueueStore) -> None:
    held = HeldStore(store.engine)
    hold(held, "CA1", 0, None)
    bridge_head(store.engine, 1)
    hold(held, "CA1", 1.5, told(1.5, 60, 30, 90, source="hold"))  # a late round
    assert _endings(store) == []


def test_an_empty_day_has_counts_and_no_figures(store: QueueStore) -> None:
    daily = AccuracyStore(store.engine).daily(SUPPORT, MIDNIGHT, at(6))
    assert (daily.every.count, daily.every.gave_up, daily.every.bias_s) == (0, 0, None)


def test_no_statement_on_announcements_reads_the_whole_table(sqlite_url: str) -> None:
    store = QueueStore(make_engine(sqlite_url))
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "announcement" in statement and not statement.startswith("EXPLAIN"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    history(store)
    AccuracyStore(store.engine).daily(SUPPORT, MIDNIGHT, at(30))
    event.remove(store.engine, "before_cursor_execute", record)
    kinds = {statement.split()[0] for statement, _ in seen}
    assert kinds == {"INSERT", "UPDATE", "SELECT"}
    with store.engine.connect() as connection:
        for statement, parameters in seen:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            details = " ".join(str(row[-1]) for row in plan)
            assert "SCAN announcement" not in details, statement
            assert "USING INDEX ix_announcement_" in details, statement
    store.engine.dispose()
