"""Roles: each sees their own home; only an agent sets a presence, and only their own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId
from settings import Settings
from tests.webhooks.console.support import Clock, csrf_of, records, sign_in
from webhooks.app import create_app


def _set(client: TestClient, status: str, **extra: str) -> tuple[int, str]:
    token = csrf_of(client.get("/console/").text)
    answer = client.post("/console/", data={"csrf": token, "status": status} | extra)
    return answer.status_code, answer.text


@pytest.mark.parametrize(("name", "heading"), [("sam", "Wallboard"), ("vera", "Wallboard")])
def test_supervisors_and_viewers_land_on_the_wallboard(
    client: TestClient, name: str, heading: str
) -> None:
    sign_in(client, name)
    page = client.get("/console/").text
    assert f"<h1>{heading}</h1>" in page
    assert 'name="status"' not in page


def test_an_agent_sees_and_sets_their_own_state(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    sign_in(client, "alice")
    page = client.get("/console/").text
    assert "<h1>My state</h1>" in page
    assert "Alice Moreton" in page
    assert 'data-status="offline"' in page
    clock.now += timedelta(minutes=1)
    status, text = _set(client, "available")
    assert status == 200
    assert "Your state is now: available." in text
    assert 'data-status="available"' in text
    presence = PresenceStore(console_engine).get(AgentId("alice"))
    assert presence is not None
    assert (presence.status, presence.cause) == (
        AgentStatus.AVAILABLE,
        "set by the agent (console)",
    )
    [record] = records(console_engine, "presence")
    assert (record.actor, record.detail, record.at) == (
        "alice",
        "agent=alice status=available",
        clock.now,
    )


def test_an_agent_cannot_name_another_agent(client: TestClient, console_engine: Engine) -> None:
    sign_in(client, "alice")
    _set(client, "away", agent="boris", agent_id="boris")
    assert PresenceStore(console_engine).get(AgentId("boris")) is None
    assert records(console_engine, "presence")[0].detail == "agent=alice status=away"


@pytest.mark.parametrize("name", ["sam", "vera"])
def test_only_an_agent_may_post_a_presence(
    client: TestClient, console_engine: Engine, name: str
) -> None:
    sign_in(client, name)
    status, text = _set(client, "available")
    assert status == 403
    assert "Your role may not open this page." in text
    assert records(console_engine, "presence") == []


def test_a_status_outside_the_choices_is_refused(
    client: TestClient, console_engine: Engine
) -> None:
    sign_in(client, "alice")
    for wrong in ("busy", "wrap_up", "", "<script>"):
        status, text = _set(client, wrong)
        assert status == 422
        assert "one of available, away, offline" in text
    assert PresenceStore(console_engine).get(AgentId("alice")) is None


def test_busy_is_not_left_by_choosing_available(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    presence = PresenceStore(console_engine)
    presence.sync_roster([AgentId("alice")], clock.now)
    moved = presence.set_status(
        AgentId("alice"), AgentStatus.OFFLINE, AgentStatus.WRAP_UP, clock.now, "test"
    )
    assert moved
    sign_in(client, "alice")
    status, text = _set(client, "available")
    assert status == 409
    assert "available again when that ends" in text
    assert records(console_engine, "presence") == []


def test_the_navigation_follows_the_role(client: TestClient) -> None:
    sign_in(client, "alice")
    agent_nav = client.get("/console/").text
    assert 'aria-current="page">My state</a>' in agent_nav
    assert ">Wallboard</a>" not in agent_nav
    client.cookies.clear()
    sign_in(client, "sam")
    supervisor_nav = client.get("/console/").text
    assert 'aria-current="page">Wallboard</a>' in supervisor_nav
    assert ">My state</a>" not in supervisor_nav


def test_an_agent_taken_off_the_roster_cannot_go_available(
    settings: Settings, console_engine: Engine
) -> None:
    text = settings.config_file.read_text()
    settings.config_file.write_text(text.replace('id = "alice"', 'id = "alicia"'))
    with TestClient(create_app(settings, clock=Clock(), ticker=False)) as client:
        sign_in(client, "alice")
        status, page = _set(client, "available")
    assert status == 409
    assert "you are not in the roster now" in page
    assert PresenceStore(console_engine).get(AgentId("alice")) is None
