"""The scrape's queries read indexes only: the history of finished requests and ended dials
is never scanned (SQLite's EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from callback.store import make_engine
from callback.store.figures import FiguresStore
from tests.callback.store.support import at

_ACCESS = re.compile(
    r"(?:SCAN|SEARCH) (callback_request|dial_attempt|phone_call|broken_promise)(.*)"
)


def test_every_large_table_is_read_through_an_index(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    FiguresStore(engine).read(["support", "sales"], at(0), at(1))
    event.remove(engine, "before_cursor_execute", record)
    accesses: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for sql, parameters in statements:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
            for match in (_ACCESS.search(str(row[3])) for row in rows):
                if match is not None:
                    accesses.setdefault(match.group(1), []).append(match.group(2))
    assert set(accesses) == {"callback_request", "dial_attempt", "phone_call", "broken_promise"}
    for table, ways in accesses.items():
        assert all("INDEX" in way for way in ways), (table, ways)
    assert any("ix_callback_request_line" in way for way in accesses["callback_request"])
    assert any("ix_dial_attempt_queue_ended" in way for way in accesses["dial_attempt"])
