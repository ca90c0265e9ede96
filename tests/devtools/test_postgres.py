"""The throwaway PostgreSQL harness: found binaries, isolated databases, loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from callback.store import make_engine
from callback.store.tables import metadata
from devtools.postgres import Cluster, HarnessError, find_bin_dir


def test_missing_server_binaries_are_an_error_not_a_skip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    (tmp_path / "15" / "bin").mkdir(parents=True)
    (tmp_path / "15" / "bin" / "psql").touch()  # a client without the server
    with pytest.raises(HarnessError, match="not found"):
        find_bin_dir(tmp_path)


def test_versioned_server_directories_are_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    for version in ("14", "16"):
        for tool in ("initdb", "pg_ctl", "postgres"):
            (tmp_path / version / "bin").mkdir(parents=True, exist_ok=True)
            (tmp_path / version / "bin" / tool).touch()
    assert find_bin_dir(tmp_path) == tmp_path / "16" / "bin"


@pytest.mark.postgres
def test_each_test_gets_its_own_migrated_database(pg_cluster: Cluster, pg_url: str) -> None:
    assert pg_url.startswith(f"postgresql+psycopg://postgres@127.0.0.1:{pg_cluster.port}/test_")
    engine = make_engine(pg_url)
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        ).scalars()
        names = set(tables)
        settings = {
            name: connection.execute(text(f"SHOW {name}")).scalar_one()
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        }
    engine.dispose()
    # Every table the store declares, made by the migrations, and Alembic's own.
    assert names == {*metadata.tables, "alembic_version"}
    assert settings == dict.fromkeys(settings, "off")
