"""A second dry run by the same supervisor while the first still runs is refused, not queued.

The first run is held inside its history read by a table lock the test takes in PostgreSQL,
so the two requests overlap for certain, not by luck of timing.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from callback.store import make_engine
from settings import Settings
from tests.webhooks.conftest import EXAMPLE
from tests.webhooks.console.support import Clock, add_users, csrf_of, sign_in
from webhooks.app import create_app

pytestmark = pytest.mark.postgres
PAGE = "/console/config/dry-run"
BUSY = "Your previous dry run is still running"


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """The PostgreSQL database of the app, with the console users."""
    engine = make_engine(pg_url)
    add_users(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_client(pg_url: str, pg_engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    """A started app on that database and a copy of the example config."""
    config = tmp_path / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)
    settings = Settings(
        _env_file=None, database_url=pg_url, config_file=config, carrier="simulated"
    )
    with TestClient(create_app(settings, clock=Clock(), ticker=False)) as started:
        yield started


def _waiting_on_a_lock(engine: Engine) -> bool:
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    with engine.connect() as connection:
        return bool(connection.execute(text(query)).scalar_one())


def test_a_second_run_while_the_first_runs_is_refused(
    pg_client: TestClient, pg_engine: Engine
) -> None:
    sign_in(pg_client, "sam")
    proposed = EXAMPLE.read_text().replace("agents = 5", "agents = 4")
    form = {"csrf": csrf_of(pg_client.get(PAGE).text), "proposed": proposed, "forecast": ""}
    form |= {"start": "2026-03-02", "days": "1", "replications": "2"}
    answers: list[tuple[int, str]] = []
    with pg_engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE held_call IN ACCESS EXCLUSIVE MODE"))
        first = threading.Thread(
            target=lambda: answers.append(_post(pg_client, form)), name="first dry run"
        )
        first.start()
        while not _waiting_on_a_lock(pg_engine):  # the first run is inside its history read
            threading.Event().wait(0.05)
        second = pg_client.post(PAGE, data=form)
        assert second.status_code == 429
        assert BUSY in second.text
        assert "agents = 4" in second.text  # the text is given back, nothing lost
        blocker.rollback()
    first.join(timeout=60)
    # The first went on to its end: an empty database has no history to simulate.
    assert answers and answers[0][0] == 422
    assert "no history in the database yet" in answers[0][1]
    third = pg_client.post(PAGE, data=form)
    assert third.status_code == 422 and BUSY not in third.text


def _post(client: TestClient, form: dict[str, str]) -> tuple[int, str]:
    answer = client.post(PAGE, data=form)
    return answer.status_code, answer.text
