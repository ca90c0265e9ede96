"""The agents page: presence, time in state and today's figures; a supervisor sets a state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store import QueueStore
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId
from tests.callback.store.support import offer
from tests.webhooks.console.support import Clock, csrf_of, records, sign_in
from webhooks.console.agents import local_day

ROSTER = ("Alice Moreton", "Boris Volkov", "Chloe Hart", "Dagur Jónsson", "Leila Karimi")


@pytest.fixture
def day(console_engine: Engine, clock: Clock) -> None:
    """Alice available for 5 minutes, three offers today (two handled: 4 and 2 minutes, rated
    4 and 5)."""
    presence = PresenceStore(console_engine)
    presence.sync_roster([AgentId("alice"), AgentId("boris")], clock.now - timedelta(hours=1))
    store = QueueStore(console_engine)
    offer(store, "alice", 1, (1, 5), "connected", rating=4)
    offer(store, "alice", 2, (10, 12), "connected", rating=5)
    offer(store, "alice", 3, (20, 21), "no_answer")
    # The dispatcher's claim took her; she is back, available, since five minutes ago.
    since = clock.now - timedelta(minutes=5)
    current = presence.get(AgentId("alice"))
    assert current is not None
    assert presence.set_status(
        AgentId("alice"), current.status, AgentStatus.AVAILABLE, since, "test"
    )


def _row(page: str, agent: str) -> str:
    start = page.index(f'id="agent-{agent}"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.usefixtures("day")
@pytest.mark.parametrize("name", ["sam", "vera"])
def test_every_roster_agent_is_listed_with_today_s_figures(client: TestClient, name: str) -> None:
    sign_in(client, name)
    answer = client.get("/console/agents")
    assert answer.status_code == 200
    assert all(agent in answer.text for agent in ROSTER)
    alice = _row(answer.text, "alice")
    assert 'data-status="available"' in alice
    cells = [
        "<td>0:05:00</td>",
        "<td>3</td>",
        ">2</td>",
        "<td>0:03:00</td>",
        ">67%</td>",
        ">4.5</td>",
    ]
    assert all(cell in alice for cell in cells), alice
    boris = _row(answer.text, "boris")
    assert 'data-status="offline"' in boris
    assert "<td>1:00:00</td>" in boris
    assert ">–</td>" in boris  # no offers: no rate, no average


@pytest.mark.usefixtures("day")
def test_only_a_supervisor_gets_the_state_forms(client: TestClient) -> None:
    sign_in(client, "vera")
    assert 'action="/console/agents/alice/state"' not in client.get("/console/agents").text
    client.cookies.clear()
    sign_in(client, "sam")
    assert 'action="/console/agents/alice/state"' in client.get("/console/agents").text


def test_an_agent_may_not_open_the_page(client: TestClient) -> None:
    sign_in(client, "alice")
    assert client.get("/console/agents").status_code == 403


def _set(client: TestClient, agent: str, status: str, token: str | None = None) -> int:
    token = token if token is not None else csrf_of(client.get("/console/agents").text)
    form = {"csrf": token, "status": status}
    answer = client.post(f"/console/agents/{agent}/state", data=form, follow_redirects=False)
    return answer.status_code


def test_a_supervisor_sets_an_agent_s_state_and_it_is_audited(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    sign_in(client, "sam")
    assert _set(client, "boris", "away") == 303
    presence = PresenceStore(console_engine).get(AgentId("boris"))
    assert presence is not None
    assert (presence.status, presence.cause) == (
        AgentStatus.AWAY,
        "set by the supervisor (console)",
    )
    [record] = records(console_engine, "presence")
    assert (record.actor, record.detail, record.at) == ("sam", "agent=boris status=away", clock.now)
    page = client.get("/console/agents?agent=boris&set=away").text
    assert "Boris Volkov is now away." in page
    assert 'data-status="away"' in _row(page, "boris")


@pytest.mark.parametrize(("name", "token"), [("vera", None), ("alice", None), ("sam", "forged")])
def test_a_viewer_an_agent_or_a_forged_token_changes_nothing(
    client: TestClient, console_engine: Engine, name: str, token: str | None
) -> None:
    sign_in(client, name)
    token = token if token is not None else csrf_of(client.get("/console/").text)
    assert _set(client, "boris", "available", token) == 403
    assert PresenceStore(console_engine).get(AgentId("boris")) is None
    assert records(console_engine, "presence") == []


def test_wrong_agents_statuses_and_busy_agents_are_refused(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    presence = PresenceStore(console_engine)
    presence.sync_roster([AgentId("chloe")], clock.now)
    assert presence.set_status(
        AgentId("chloe"), AgentStatus.OFFLINE, AgentStatus.WRAP_UP, clock.now, "test"
    )
    sign_in(client, "sam")
    assert _set(client, "zed", "away") == 404
    assert _set(client, "boris", "busy") == 422
    assert _set(client, "chloe", "available") == 409
    assert records(console_engine, "presence") == []
    assert presence.get(AgentId("boris")) is None


def test_today_is_the_queue_s_local_day_not_the_utc_day() -> None:
    london = ZoneInfo("Europe/London")
    # 00:30 UTC on 1 July is 01:30 in London (summer time): London's 1 July began at 23:00 UTC.
    start, end = local_day(datetime(2026, 7, 1, 0, 30, tzinfo=UTC), london)
    assert (start, end) == (
        datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 0, tzinfo=UTC),
    )
    # The spring clock change: London's 29 March 2026 lasts 23 hours.
    start, end = local_day(datetime(2026, 3, 29, 12, 0, tzinfo=UTC), london)
    assert end - start == timedelta(hours=23)
