"""Migrations: the hand-written revisions build exactly the schema the tables declare."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from callback.store import current_revision, head_revision, make_engine, upgrade
from callback.store.engine import write_transaction
from callback.store.migrate import alembic_config
from callback.store.tables import metadata
from devtools.postgres import Cluster, create_database, drop_database
from tests.conftest import BACKENDS

PENDING = ["waiting", "scheduled"]
STATE_INDEXES = {
    "uq_callback_request_active_number": [*PENDING, "dialing", "connected"],
    "ix_callback_request_line": PENDING,
    "ix_callback_request_due": PENDING,
    "ix_callback_request_on_call": ["dialing", "connected"],
}
OPEN_ATTEMPT_INDEXES = ["uq_dial_attempt_open_number", "ix_dial_attempt_open_lease"]


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any table."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    name = f"empty_{uuid.uuid4().hex[:12]}"
    yield create_database(cluster, name)
    drop_database(cluster, name)


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _differences(url: str) -> list[Any]:
    with _engine(url) as engine, engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_upgrade_builds_exactly_the_declared_schema(empty_url: str) -> None:
    assert current_revision(empty_url) is None
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision() == "0019"
    assert _differences(empty_url) == []


def test_upgrade_twice_changes_nothing(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)
    assert current_revision(empty_url) == "0019"
    assert _differences(empty_url) == []


def test_the_comparison_notices_a_missing_index(empty_url: str) -> None:
    upgrade(empty_url)
    with _engine(empty_url) as engine, write_transaction(engine) as connection:
        connection.execute(text("DROP INDEX ix_callback_request_due"))
    differences = _differences(empty_url)
    assert [(kind, index.name) for kind, index in differences] == [
        ("add_index", "ix_callback_request_due")
    ]


def test_partial_indexes_keep_their_predicates(empty_url: str) -> None:
    upgrade(empty_url)
    with _engine(empty_url) as engine, engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        definitions: dict[str, str | None] = dict(connection.execute(text(query)).all())
    predicates = {name: sql.partition(" WHERE ")[2] for name, sql in definitions.items() if sql}
    for name, states in STATE_INDEXES.items():
        assert re.findall(r"'(\w+)'", predicates[name]) == states, predicates[name]
    for name in OPEN_ATTEMPT_INDEXES:
        assert "ended_at IS NULL" in predicates[name]
    assert "handled_at IS NULL" in predicates["ix_voicemail_unhandled"]


def test_downgrade_removes_everything(empty_url: str) -> None:
    upgrade(empty_url)
    with _engine(empty_url) as engine:
        with write_transaction(engine) as connection:
            command.downgrade(alembic_config(connection), "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    assert current_revision(empty_url) is None
