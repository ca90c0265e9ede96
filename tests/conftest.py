"""Shared fixtures: migrated SQLite and PostgreSQL databases, and a store on each."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine

from callback.store import QueueStore, make_engine, upgrade
from devtools.postgres import Cluster, create_database, drop_database, start_cluster, stop_cluster

# The suite is a gate: the same examples on every run, so a red build always means a change
# broke something. `HYPOTHESIS_PROFILE=explore pytest` searches afresh for counterexamples.
settings.register_profile("gate", derandomize=True)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "gate"))

TEMPLATE_DATABASE = "holdless_template"
SETTINGS_PREFIX = "HOLDLESS_"


def pytest_configure(config: pytest.Config) -> None:
    """Drop the developer's own HOLDLESS_* variables: each test sets what it relies on."""
    # A HOLDLESS_CARRIER or HOLDLESS_DATABASE_URL exported in the shell would otherwise
    # steer every Settings() and every server a test starts, and hide or fake failures.
    for name in [name for name in os.environ if name.startswith(SETTINGS_PREFIX)]:
        del os.environ[name]


BACKENDS = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole session (fails if PostgreSQL is absent)."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """The name of a migrated database that each test's database is copied from."""
    upgrade(create_database(pg_cluster, TEMPLATE_DATABASE))
    return TEMPLATE_DATABASE


@pytest.fixture
def pg_url(pg_cluster: Cluster, pg_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database for one test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = create_database(pg_cluster, name, template=pg_template)
    try:
        yield url
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test's database is copied from."""
    path = tmp_path_factory.mktemp("sqlite-template") / "holdless.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite file for one test."""
    path = tmp_path / "holdless.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    fixture = "pg_url" if request.param == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on `db_url`, disposed after the test."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def store(engine: Engine) -> QueueStore:
    """A queue store on each backend."""
    return QueueStore(engine)
