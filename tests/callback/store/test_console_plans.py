"""The console's reads on SQLite's planner: the day's figures from indexes alone, and the list
filtered by a final state through its partial index rather than a walk of the whole history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event

from callback.store import make_engine
from callback.store.listing import RequestFilter, list_requests
from callback.store.today import today
from callback.types import QueueName
from tests.callback.store.support import at


def _plans(engine: Engine, read: Any) -> list[str]:
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        read(connection)
    event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        return [
            str(row[3])
            for sql, parameters in statements
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
        ]


def test_the_days_figures_read_the_requests_from_the_covering_index(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    plans = _plans(
        engine, lambda c: today(c, QueueName("support"), at(0), at(60), timedelta(minutes=1))
    )
    engine.dispose()
    finished = [plan for plan in plans if "finished_at>" in plan]
    assert len(finished) == 2
    # The abandoned count reads the index alone; the reached query also reads the wait told
    # (estimate accuracy), so it searches the (queue, finished_at) range and looks rows up:
    # either way a day's range, never a scan of the history.
    assert "COVERING INDEX ix_callback_request_queue_finished_day" in finished[0]
    assert all("SEARCH callback_request USING" in p and "finished_at>?" in p for p in finished)


def test_a_list_by_final_state_uses_its_partial_index(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    plans = _plans(engine, lambda c: list_requests(c, RequestFilter(state="failed")))
    waiting = _plans(engine, lambda c: list_requests(c, RequestFilter(state="waiting")))
    engine.dispose()
    assert any("ix_callback_request_finished_state_created (state=?)" in p for p in plans)
    assert not any("ix_callback_request_finished_state_created" in p for p in waiting)
