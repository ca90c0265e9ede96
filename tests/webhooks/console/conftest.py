"""A started app with the three console users and a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store import make_engine
from settings import Settings
from tests.webhooks.console.support import Clock, add_users
from webhooks.app import create_app


@pytest.fixture
def clock() -> Clock:
    """The app's clock."""
    return Clock()


@pytest.fixture
def console_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the test app's database, with the console users in it."""
    engine = make_engine(settings.database_url)
    add_users(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def client(settings: Settings, clock: Clock, console_engine: Engine) -> Iterator[TestClient]:
    """A started app (no ticker) on that database."""
    with TestClient(create_app(settings, clock=clock, ticker=False)) as started:
        yield started
