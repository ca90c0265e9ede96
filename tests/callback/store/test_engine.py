"""Engines: SQLite is tuned for a queue (WAL, busy timeout, IMMEDIATE writers)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from callback.store import QueueStore, make_engine
from callback.store.engine import (
    BUSY_TIMEOUT_MS,
    WAL_AUTOCHECKPOINT_PAGES,
    driver_write_transaction,
    is_unique_violation,
    read_transaction,
    write_transaction,
)
from callback.store.tables import ATTEMPT, REQUEST
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


PRAGMAS = ("journal_mode", "busy_timeout", "synchronous", "foreign_keys", "wal_autocheckpoint")


def _path(engine: Engine) -> Path:
    database = make_url(str(engine.url)).database
    assert database is not None
    return Path(database)


def _other_writer(engine: Engine) -> sqlite3.Connection:
    # A second process-like connection that gives up at once instead of waiting.
    return sqlite3.connect(_path(engine), timeout=0, isolation_level=None)


def test_sqlite_connections_are_configured(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar_one() for name in PRAGMAS
        }
    assert pragma == {
        "journal_mode": "wal",
        "busy_timeout": BUSY_TIMEOUT_MS,
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "wal_autocheckpoint": WAL_AUTOCHECKPOINT_PAGES,
    }


def test_a_write_transaction_takes_the_write_lock_when_it_begins(sqlite_engine: Engine) -> None:
    other = _other_writer(sqlite_engine)
    with write_transaction(sqlite_engine):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        # WAL: readers are never blocked by the writer.
        assert other.execute("SELECT count(*) FROM callback_request").fetchone() == (0,)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_writers_of_one_process_queue_before_touching_sqlite(sqlite_engine: Engine) -> None:
    # SQLite's busy handler waits by sleeping; in-process writers wait on a lock instead,
    # without holding a connection, and go in turn as soon as the writer ahead commits.
    entered = threading.Event()

    def second_writer() -> None:
        with write_transaction(sqlite_engine) as connection:
            entered.set()
            connection.execute(text("SELECT 1"))

    with write_transaction(sqlite_engine):
        waiting = threading.Thread(target=second_writer)
        waiting.start()
        assert not entered.wait(timeout=0.3)
        assert sqlite_engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    waiting.join(timeout=10)
    assert entered.is_set()


def test_a_driver_write_transaction_takes_the_write_lock_when_it_begins(
    sqlite_engine: Engine,
) -> None:
    other = _other_writer(sqlite_engine)
    with (
        driver_write_transaction(sqlite_engine),
        pytest.raises(sqlite3.OperationalError, match="locked"),
    ):
        other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_driver_writers_queue_with_the_other_writers(sqlite_engine: Engine) -> None:
    entered = threading.Event()

    def second_writer() -> None:
        with driver_write_transaction(sqlite_engine) as cursor:
            entered.set()
            cursor.execute("SELECT 1")

    with write_transaction(sqlite_engine):
        waiting = threading.Thread(target=second_writer)
        waiting.start()
        assert not entered.wait(timeout=0.3)
        assert sqlite_engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    waiting.join(timeout=10)
    assert entered.is_set()


def test_a_driver_write_transaction_commits_or_rolls_back(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    change = "UPDATE callback_request SET priority = 7"
    with pytest.raises(RuntimeError), driver_write_transaction(store.engine) as cursor:
        cursor.execute(change)
        raise RuntimeError("boom")
    assert store.get(request.id) == request
    with driver_write_transaction(store.engine) as cursor:
        cursor.execute(change)
    stored = store.get(request.id)
    assert stored is not None and stored.priority == 7
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_read_transaction_leaves_the_write_lock_free(sqlite_engine: Engine) -> None:
    other = _other_writer(sqlite_engine)
    with read_transaction(sqlite_engine) as connection:
        connection.execute(select(REQUEST.c.id)).all()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    other.close()


def test_a_failed_write_transaction_is_rolled_back(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    with pytest.raises(RuntimeError), write_transaction(store.engine) as connection:
        connection.execute(text("UPDATE callback_request SET priority = 7"))
        raise RuntimeError("boom")
    assert store.get(request.id) == request


def test_unique_violations_are_told_apart_from_other_integrity_errors(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    assert claim_next(store, SUPPORT, at(1), LEASE) is not None
    attempt = {
        "request_id": request.id,
        "fence": 2,
        "queue": SUPPORT,
        "number": number(1),
        "claimed_at": at(1),
        "lease_until": at(2),
    }
    unknown_request = attempt | {"request_id": 999, "number": number(2)}
    with pytest.raises(IntegrityError) as duplicate, write_transaction(store.engine) as connection:
        connection.execute(insert(ATTEMPT).values(attempt))
    with pytest.raises(IntegrityError) as dangling, write_transaction(store.engine) as connection:
        connection.execute(insert(ATTEMPT).values(unknown_request))
    assert is_unique_violation(duplicate.value)
    assert not is_unique_violation(dangling.value)


def test_a_checkpoint_moves_committed_writes_into_the_database_file(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    store = QueueStore(sqlite_engine)
    request = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    store.checkpoint()
    copy = tmp_path / "main-file-only.db"  # without the -wal file beside it
    shutil.copyfile(_path(sqlite_engine), copy)
    with closing(sqlite3.connect(copy)) as alone:
        assert alone.execute("SELECT id FROM callback_request").fetchall() == [(request.id,)]


def test_a_checkpoint_is_harmless_on_any_backend(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(), at(0))
    store.checkpoint()
    assert store.active_for(SUPPORT, number(1)) is not None


@pytest.mark.postgres
def test_postgres_connections_killed_by_a_restart_are_replaced_unnoticed(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with read_transaction(engine) as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        # What a database restart does to every pooled connection.
        other = make_engine(pg_url)
        with other.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
        with read_transaction(engine) as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
