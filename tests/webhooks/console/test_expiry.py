"""Sessions end: when idle too long, when too old, and when the user is disabled or re-keyed."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store.users import UserStore
from tests.webhooks.console.support import Clock, sign_in

EXPIRED = "/console/sign-in?expired=1"


def _home(client: TestClient) -> tuple[int, str]:
    answer = client.get("/console/", follow_redirects=False)
    return answer.status_code, answer.headers.get("location", "")


def test_an_idle_session_ends_after_the_idle_limit(client: TestClient, clock: Clock) -> None:
    sign_in(client, "sam")
    clock.now += timedelta(minutes=30)
    assert _home(client) == (200, "")
    clock.now += timedelta(minutes=30, seconds=1)
    assert _home(client) == (303, EXPIRED)
    assert "Your session has ended." in client.get(EXPIRED).text
    # The stale cookie was dropped: the next visit is a plain sign-in, not "expired" again.
    assert _home(client) == (303, "/console/sign-in")


def test_a_used_session_ends_at_its_lifetime(client: TestClient, clock: Clock) -> None:
    sign_in(client, "sam")
    for _ in range(12 * 3):  # a visit every 20 minutes keeps it from idling for 12 hours
        clock.now += timedelta(minutes=20)
        assert _home(client)[0] == 200
    clock.now += timedelta(minutes=1)
    assert _home(client) == (303, EXPIRED)


def test_disabling_a_user_ends_their_session(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    sign_in(client, "sam")
    UserStore(console_engine).disable("sam", clock.now)
    assert _home(client) == (303, EXPIRED)
    assert sign_in(client, "sam").status_code == 401


def test_a_new_password_ends_the_open_sessions(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    sign_in(client, "alice")
    store = UserStore(console_engine)
    user = store.by_name("alice")
    assert user is not None
    store.set_password("alice", user.password_hash, clock.now)
    assert _home(client) == (303, EXPIRED)


def test_a_cookie_edited_to_name_another_user_is_no_session(client: TestClient) -> None:
    sign_in(client, "alice")
    [cookie] = [c for c in client.cookies.jar if c.name == "holdless_console"]
    assert cookie.value is not None
    payload, _, signature = cookie.value.partition(".")
    session = json.loads(base64.b64decode(payload))
    sam = base64.b64encode(json.dumps(session | {"uid": 1}).encode()).decode()
    client.cookies.clear()
    client.cookies.set(cookie.name, f"{sam}.{signature}", domain=cookie.domain, path="/console")
    assert _home(client) == (303, "/console/sign-in")
