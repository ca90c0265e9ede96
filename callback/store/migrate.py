"""Schema migrations, run programmatically (no alembic.ini): `upgrade(database_url)`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.pool import NullPool

from callback.store.engine import make_engine, read_transaction, write_transaction

MIGRATIONS = Path(__file__).with_name("migrations")
# Arbitrary but fixed: PostgreSQL instances upgrading at once take turns on this lock.
_PG_LOCK_KEY = 7_246_108_001


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, bound to `connection` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@dataclass(frozen=True, slots=True)
class Migration:
    """One applied migration: its revision id and the first line of its docstring."""

    revision: str
    summary: str

    def __str__(self) -> str:
        return f"{self.revision} {self.summary}"


def upgrade(database_url: str, revision: str = "head") -> list[Migration]:
    """Bring the database at `database_url` to `revision` in one transaction; what was applied."""
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        with write_transaction(engine) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
                )
            # Read under the lock: an instance upgrading at the same time has finished.
            pending = _pending(connection, revision)
            command.upgrade(alembic_config(connection), revision)
        return pending
    finally:
        engine.dispose()


def _pending(connection: Connection, target: str) -> list[Migration]:
    current = MigrationContext.configure(connection).get_current_revision()
    scripts = ScriptDirectory.from_config(alembic_config())
    newest_first = scripts.iterate_revisions(target, current)
    return [
        Migration(script.revision, next(iter((script.doc or "").strip().splitlines()), ""))
        for script in reversed(list(newest_first))
    ]


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None before the first migration."""
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        with read_transaction(engine) as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision shipped with this version of Holdless."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head
