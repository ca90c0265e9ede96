import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from callback.store import QueueStore, make_engine
from settings import Settings
from webhooks.app import create_app

Client = Callable[..., TestClient]
SUPERVISOR_KEY = "supervisor-key-for-tests-only"


@pytest.fixture(autouse=True)
def supervisor_key(config_file: Path) -> None:
    """The config names a supervisor key: the queue state's full view is theirs."""
    digest = hashlib.sha256(SUPERVISOR_KEY.encode()).hexdigest()
    text = config_file.read_text().replace(
        'company = "Example Energy"',
        f'company = "Example Energy"\nsupervisor_key_sha256 = "{digest}"',
    )
    config_file.write_text(text)


def state(client: TestClient) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {SUPERVISOR_KEY}"}
    response = client.get("/api/v1/queues", headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def wait_for(predicate: Callable[[], bool], seconds: float = 15.0) -> None:
    """Poll until `predicate` holds: the ticker runs on its own schedule."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_health_reports_the_database(make_client: Client) -> None:
    response = make_client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_health_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    # Nothing listens on port 1: every connection is refused at once.
    unreachable = settings.model_copy(
        update={"database_url": "postgresql+psycopg://holdless@127.0.0.1:1/holdless"}
    )
    with TestClient(create_app(unreachable, ticker=False)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": False}


def test_queue_state_lists_each_queue_with_its_forecast(make_client: Client) -> None:
    body = state(make_client())
    assert body["carrier"] == "simulated"
    support = body["queues"]["support"]
    assert support["display_name"] == "Customer support"
    assert support["open"] is True
    assert support["waiting"] == 0
    assert support["estimate"]["wait_seconds"] > 0
    assert support["estimate"]["low_seconds"] <= support["estimate"]["high_seconds"]
    assert set(body["queues"]) == {"support", "sales"}


def test_queue_state_counts_requests_in_line(make_client: Client, settings: Settings) -> None:
    from callback.merge import Incoming
    from callback.request import ContextEntry
    from callback.types import E164, Channel, QueueName
    from tests.webhooks.conftest import MONDAY_10

    store = QueueStore(make_engine(settings.database_url))
    for n in range(3):
        incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
        store.enqueue(QueueName("support"), E164(f"+44207946010{n}"), incoming, MONDAY_10)
    store.close()
    empty = state(make_client())["queues"]["support"]
    assert (empty["waiting"], empty["due"]) == (3, 3)


def test_queue_state_counts_callers_on_hold_in_the_line_as_callers_hear_it(
    make_client: Client, settings: Settings
) -> None:
    from callback.store.calls import CallStore
    from callback.store.held import HeldStore, Joining
    from callback.types import QueueName
    from tests.webhooks.conftest import MONDAY_10

    client = make_client()
    quiet = state(client)["queues"]["support"]
    engine = make_engine(settings.database_url)
    calls, held = CallStore(engine), HeldStore(engine)
    for n in range(4):
        calls.arrive_known(f"CA{n}", QueueName("support"), None, MONDAY_10)
        # A hold round marks the call on hold and gives the caller their place in the line.
        calls.set_hold(f"CA{n}", MONDAY_10, MONDAY_10)
        joining = Joining(f"CA{n}", QueueName("support"), "QU" + "5" * 32, "en", 0, MONDAY_10)
        held.join(joining, MONDAY_10)
    busy = state(client)
    support = busy["queues"]["support"]
    assert (support["line"], support["on_hold"], support["due"]) == (4, 4, 0)
    assert support["estimate"]["wait_seconds"] > quiet["estimate"]["wait_seconds"]
    assert busy["broken_promises_24h"] == 0


def test_a_closed_queue_says_when_it_opens(make_client: Client) -> None:
    sunday = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    support = state(make_client(clock=lambda: sunday))["queues"]["support"]
    assert support["open"] is False
    assert support["next_opening"] == "2026-03-02T08:00:00+00:00"


def test_a_valid_edit_applies_live_and_is_recorded(
    make_client: Client, config_file: Path, settings: Settings
) -> None:
    client = make_client(ticker=True, clock=lambda: datetime.now(UTC))
    before = state(client)["config"]["hash"]
    edited = config_file.read_text().replace(
        'display_name = "Customer support"', 'display_name = "Help desk"'
    )
    config_file.write_text(edited)
    wait_for(lambda: state(client)["queues"]["support"]["display_name"] == "Help desk")
    config = state(client)["config"]
    assert config["hash"] != before
    assert config["recent_changes"][0]["sections"] == ["queues.support"]
    store = QueueStore(make_engine(settings.database_url))
    # The job swaps the live config first and records the change just after: wait for both.
    wait_for(lambda: bool(store.config_changes()))
    changes = store.config_changes()
    store.close()
    assert [(c.old_hash, c.new_hash) for c in changes] == [(before, config["hash"])]


def test_an_invalid_edit_is_refused_and_the_last_good_config_stays(
    make_client: Client, config_file: Path
) -> None:
    client = make_client(ticker=True, clock=lambda: datetime.now(UTC))
    good = state(client)["config"]["hash"]
    broken = config_file.read_text().replace(
        'time_zone = "Europe/London"', 'time_zone = "Mars/Olympus"'
    )
    config_file.write_text(broken)
    wait_for(lambda: state(client)["config"]["last_error"] is not None)
    body = state(client)
    assert body["config"]["hash"] == good
    assert "queues.support.time_zone" in body["config"]["last_error"]["text"]
    assert str(config_file) in body["config"]["last_error"]["text"]
    assert body["queues"]["support"]["display_name"] == "Customer support"
