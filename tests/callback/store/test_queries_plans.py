"""Query plans: the line, position, claim (with its budget counts) and count queries read
partial indexes only.

Completed requests are history: the hot queries must never scan them. SQLite is asked with
EXPLAIN QUERY PLAN; PostgreSQL with EXPLAIN and sequential scans disabled (its tables are tiny
here, so it would otherwise rightly prefer reading them whole).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, event, insert, select

from callback.store import QueueStore
from callback.store.engine import write_transaction
from callback.store.tables import REQUEST
from callback.types import RequestId
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number

Statement = tuple[str, Any]
LINE = "ix_callback_request_line"
DUE = "ix_callback_request_due"
ACTIVE = "uq_callback_request_active_number"
ON_CALL = "ix_callback_request_on_call"
PARTIAL = {LINE, DUE, ACTIVE, ON_CALL}
PRIMARY_KEY = "primary key"
FULL_SCAN = "full scan"
_SQLITE_ACCESS = re.compile(
    r"(?:SEARCH|SCAN) callback_request"
    r"(?: USING (?:COVERING )?INDEX (\w+)| USING (INTEGER PRIMARY KEY))?"
)
_PG_ACCESS = re.compile(
    r"(Seq Scan on callback_request)|using (\w+) on callback_request|Bitmap Index Scan on (\w+)"
)


@contextmanager
def _recording(store: QueueStore) -> Iterator[list[Statement]]:
    statements: list[Statement] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM callback_request" in statement:
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _plan(connection: Connection, statement: Statement) -> str:
    sql, parameters = statement
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
    else:
        connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)
    return "\n".join(str(row[-1]) for row in rows)


def _accesses(plan: str) -> set[str]:
    """How the plan reads callback_request: index names, the primary key, or a full scan."""
    found: set[str] = set()
    for match in _SQLITE_ACCESS.finditer(plan):
        index, primary_key = match.groups()
        found.add(index or (PRIMARY_KEY if primary_key else FULL_SCAN))
    for match in _PG_ACCESS.finditer(plan):
        seq_scan, index, bitmap_index = match.groups()
        name = FULL_SCAN if seq_scan else index or bitmap_index
        if name == "pk_callback_request":
            name = PRIMARY_KEY
        if name in {FULL_SCAN, PRIMARY_KEY} or "callback_request" in name:
            found.add(name)
    return found


def _accesses_of(store: QueueStore, statements: list[Statement]) -> set[str]:
    assert statements
    with store.engine.connect() as connection:
        plans = [_plan(connection, statement) for statement in statements]
    found: set[str] = set()
    for plan in plans:
        accesses = _accesses(plan)
        assert accesses and accesses <= PARTIAL | {PRIMARY_KEY}, plan
        found |= accesses
    return found


@pytest.fixture
def busy_store(store: QueueStore) -> QueueStore:
    """A queue with a few requests in line and a history of finished ones."""
    for n in range(5):
        store.enqueue(SUPPORT, number(n), incoming(n), at(n))
    history = {
        "queue": SUPPORT,
        "channel": "web",
        "state": "completed",
        "language": "en",
        "priority": 0,
        "virtual_start": at(-100),
        "due_at": at(-100),
        "attempts": 1,
        "contexts": [],
        "entered_line_at": at(-100),
        "fence": 1,
        "created_at": at(-100),
        "updated_at": at(-90),
        "finished_at": at(-90),
    }
    with write_transaction(store.engine) as connection:
        rows = [history | {"number": number(1000 + n)} for n in range(300)]
        connection.execute(insert(REQUEST), rows)
    return store


def _last_in_line(store: QueueStore) -> RequestId:
    with store.engine.connect() as connection:
        query = select(REQUEST.c.id).where(REQUEST.c.number == number(4))
        return RequestId(connection.execute(query).scalar_one())


Action = Callable[[QueueStore], object]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        pytest.param(lambda s: claim_next(s, SUPPORT, at(10), LEASE), {LINE, ON_CALL}, id="claim"),
        pytest.param(lambda s: s.counts(at(10)), {LINE, DUE, ON_CALL}, id="counts"),
        pytest.param(
            lambda s: s.enqueue(SUPPORT, number(2), incoming(9), at(9)), {ACTIVE}, id="enqueue"
        ),
        pytest.param(lambda s: s.active_for(SUPPORT, number(3)), {ACTIVE}, id="active"),
    ],
)
def test_hot_queries_read_partial_indexes(
    busy_store: QueueStore, action: Action, expected: set[str]
) -> None:
    with _recording(busy_store) as statements:
        action(busy_store)
    accesses = _accesses_of(busy_store, statements)
    if busy_store.engine.dialect.name == "sqlite":
        # SQLite has no statistics to go on: these are the plans its hints must produce.
        assert accesses - {PRIMARY_KEY} <= expected


def test_position_and_its_explanation_read_partial_indexes(busy_store: QueueStore) -> None:
    mine = _last_in_line(busy_store)
    busy_store.record_announcement(mine, 0, None, at(6))
    busy_store.enqueue(SUPPORT, number(99), incoming(7, priority=3), at(7))
    with _recording(busy_store) as statements:
        position = busy_store.position(mine, at(8))
    assert position is not None and position.reasons
    line_queries = [s for s in statements if "callback_request.priority >" in s[0]]
    assert len(line_queries) == 2  # the count ahead and the newcomers that explain it
    accesses = _accesses_of(busy_store, line_queries)
    if busy_store.engine.dialect.name == "sqlite":
        assert accesses == {LINE}


def test_the_check_catches_a_query_that_would_scan_history(busy_store: QueueStore) -> None:
    by_name = select(REQUEST.c.id).where(REQUEST.c.name == "Ada")
    with _recording(busy_store) as statements, busy_store.engine.connect() as connection:
        connection.execute(by_name).all()
    with busy_store.engine.connect() as connection:
        assert _accesses(_plan(connection, statements[0])) == {FULL_SCAN}
