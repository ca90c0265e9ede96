"""Engines and short transactions for SQLite (WAL) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.exc import IntegrityError, OperationalError

DEFAULT_URL = "sqlite:///holdless.db"
BUSY_TIMEOUT_MS = 5000
WAL_AUTOCHECKPOINT_PAGES = 10_000
"""A safety net only: `checkpoint()`, called from a background tick, keeps the log short."""
_WRITE = "holdless_write"
_PG_UNIQUE_VIOLATION = "23505"  # SQLSTATE unique_violation

# One writer at a time per SQLite engine, queued in the process: SQLite's own busy handler
# waits by sleeping (1, 2, 5 ... 100 ms), so writers racing for its lock wait far longer
# than the lock is held. Keyed weakly so an engine that is dropped takes its lock with it.
_WRITERS: WeakKeyDictionary[Engine, threading.RLock] = WeakKeyDictionary()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite connections get WAL, a busy timeout and explicit BEGINs."""
    if make_url(url).get_backend_name() == "postgresql":
        # After a database restart every pooled connection is dead; test each on checkout
        # (one round trip) rather than fail the first request on each of them.
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if make_url(url).get_backend_name() == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        _WRITERS[engine] = threading.RLock()
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: object) -> None:
    # pysqlite's own transaction handling starts transactions lazily and never for SELECT;
    # disable it and emit BEGIN ourselves (the recipe in SQLAlchemy's SQLite dialect docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A commit that crosses this many log pages copies them into the database itself and
        # waits for the disk: the p99 of every write. A background checkpoint does it instead.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    finally:
        cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # A deferred transaction that later writes cannot wait for the write lock (SQLITE_BUSY at
    # once, whatever the busy timeout), so writers take the lock up front with IMMEDIATE.
    write = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _take_turn(engine: Engine) -> threading.RLock | None:
    """The engine's writer lock, once acquired; None without one (PostgreSQL) or on timeout."""
    writers = _WRITERS.get(engine)
    # On timeout it goes ahead: SQLite's busy timeout then decides, as without the queue.
    if writers is not None and writers.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
        return writers
    return None


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: committed on success, rolled back on error."""
    turn = _take_turn(engine)
    try:
        with engine.connect() as connection:
            connection.execution_options(**{_WRITE: True})
            with connection.begin():
                yield connection
    finally:
        if turn is not None:
            turn.release()


@contextmanager
def driver_write_transaction(engine: Engine) -> Iterator[DBAPICursor]:
    """`write_transaction` on the driver's own cursor, for statements compiled in advance.

    Same writer queue, same IMMEDIATE begin on SQLite, same pool; it skips SQLAlchemy's
    per-statement machinery, which costs more than SQLite takes to run a small statement.
    """
    turn = _take_turn(engine)
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if engine.dialect.name == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")  # psycopg begins on the first statement
            yield cursor
            cursor.close()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()
    finally:
        if turn is not None:
            turn.release()


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction: one consistent snapshot on SQLite, never a write lock."""
    with engine.connect() as connection, connection.begin():
        yield connection


def checkpoint(engine: Engine) -> None:
    """Fold SQLite's write-ahead log into the database without waiting (no-op on PostgreSQL)."""
    # Meant for a periodic background tick, so that no request pays for the disk writes.
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        # Outside any transaction: the connection runs in driver autocommit (see above).
        connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


def is_outage(engine: Engine, error: BaseException) -> bool:
    """True when `error` is the database failing (unreachable, locked, out of space), not the
    statement: any other statement would have failed the same way just then."""
    return isinstance(error, OperationalError | engine.dialect.loaded_dbapi.OperationalError)


def is_unique_violation(error: IntegrityError) -> bool:
    """True when `error` broke a UNIQUE constraint or index (not a CHECK or a foreign key)."""
    original = error.orig
    if getattr(original, "sqlstate", None) == _PG_UNIQUE_VIOLATION:
        return True
    return str(original).startswith("UNIQUE constraint failed")
