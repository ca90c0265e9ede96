"""CSRF: every state-changing console request without the session's token is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId
from tests.webhooks.console.support import csrf_of, records, sign_in


def _post_paths(client: TestClient) -> list[str]:
    """Every path under /console that answers POST, read from the app's own routes."""
    [console] = [r for r in client.app.routes if isinstance(r, Mount) and r.path == "/console"]  # type: ignore[attr-defined]
    posts = [r for r in console.routes if isinstance(r, Route) and "POST" in (r.methods or ())]
    return sorted({f"/console{r.path}" for r in posts})


def test_the_console_has_state_changing_routes_to_guard(client: TestClient) -> None:
    assert _post_paths(client) == [
        "/console/",
        "/console/agents/{agent_id}/state",
        "/console/config/apply",
        "/console/config/dry-run",
        "/console/config/staffing",
        "/console/me/voice-token",
        "/console/me/wrap-up",
        "/console/requests/{request_id:int}/cancel",
        "/console/requests/{request_id:int}/move-up",
        "/console/requests/{request_id:int}/reschedule",
        "/console/requests/{request_id:int}/reveal",
        "/console/sign-in",
        "/console/sign-out",
        "/console/voicemail/{voicemail_id}/handled",
    ]


@pytest.mark.parametrize("token", [None, "", "forged-token-of-the-right-length-0123456789ab"])
def test_every_post_without_the_right_token_is_refused(
    client: TestClient, token: str | None
) -> None:
    sign_in(client, "sam")
    body = {"status": "available", "name": "sam", "password": "x" * 12, "at": "2026-03-02T12:00"}
    for path in (p.replace("{request_id:int}", "1") for p in _post_paths(client)):
        form = body if token is None else body | {"csrf": token}
        answer = client.post(path, data=form, follow_redirects=False)
        assert answer.status_code == 403, path
        assert "This form has expired" in answer.text


def test_a_refused_post_changes_nothing(client: TestClient, console_engine: Engine) -> None:
    sign_in(client, "alice")
    client.post("/console/", data={"status": "available"})
    assert PresenceStore(console_engine).get(AgentId("alice")) is None
    client.post("/console/sign-out", data={"csrf": "wrong"})
    assert client.get("/console/", follow_redirects=False).status_code == 200
    assert records(console_engine, "presence") == records(console_engine, "sign-out") == []


def test_sign_in_needs_the_token_too(client: TestClient, console_engine: Engine) -> None:
    # Login CSRF: another site must not sign a victim's browser in to the attacker's account.
    form = {"name": "sam", "password": "correct horse battery staple"}
    assert client.post("/console/sign-in", data=form).status_code == 403
    assert records(console_engine, "sign-in") == []


def test_a_token_from_another_session_is_refused(client: TestClient) -> None:
    theirs = csrf_of(client.get("/console/sign-in").text)
    client.cookies.clear()  # another browser from here on
    sign_in(client, "alice")
    answer = client.post("/console/", data={"csrf": theirs, "status": "away"})
    assert answer.status_code == 403


def test_the_token_may_come_in_a_header(client: TestClient, console_engine: Engine) -> None:
    sign_in(client, "alice")
    token = csrf_of(client.get("/console/").text)
    answer = client.post(
        "/console/",
        data={"status": "away"},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    presence = PresenceStore(console_engine).get(AgentId("alice"))
    assert presence is not None
    assert presence.status is AgentStatus.AWAY
