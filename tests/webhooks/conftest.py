"""An app on a fresh SQLite database with a copy of the example config."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from settings import Settings
from webhooks.app import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "holdless.example.toml"
# Monday 2 March 2026, 10:00 in London: the example's support queue is open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A private copy of the example config, free to edit."""
    path = tmp_path / "holdless.toml"
    shutil.copyfile(EXAMPLE, path)
    return path


@pytest.fixture
def settings(sqlite_url: str, config_file: Path) -> Settings:
    """Settings of a test instance: its own database and config, the simulated carrier."""
    return Settings(
        _env_file=None, database_url=sqlite_url, config_file=config_file, carrier="simulated"
    )


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Builds a started app (lifespan run) with a fixed clock unless told otherwise."""
    clients: list[TestClient] = []

    def build(
        *, ticker: bool = False, clock: Callable[[], datetime] = lambda: MONDAY_10
    ) -> TestClient:
        client = TestClient(create_app(settings, clock=clock, ticker=ticker))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)
