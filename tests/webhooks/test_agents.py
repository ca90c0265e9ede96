"""The presence API: bearer keys checked against hashes, errors in the API's one problem shape."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import E164, AgentId, Channel, QueueName, State
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.body import MAX_BODY
from webhooks.api.schemas import ErrorBody, ErrorDetail
from webhooks.services import Services

ALICE_KEY = "alice-key-for-tests-only"
SUPERVISOR_KEY = "supervisor-key-for-tests-only"
URL = "/api/v1/agents/{}/status"


def _sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@pytest.fixture
def client(config_file: Path, make_client: Callable[..., TestClient]) -> TestClient:
    text = config_file.read_text()
    text = text.replace('id = "alice"\n', f'id = "alice"\napi_key_sha256 = "{_sha(ALICE_KEY)}"\n')
    text = text.replace(
        'company = "Example Energy"',
        f'company = "Example Energy"\nsupervisor_key_sha256 = "{_sha(SUPERVISOR_KEY)}"',
    )
    config_file.write_text(text)
    return make_client()


def _post(client: TestClient, agent: str, key: str | None, body: object) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return client.post(URL.format(agent), json=body, headers=headers)


def _problem(response: Any, status: int) -> ErrorDetail:
    """The answer's error in the API's one problem shape (any other shape fails to parse)."""
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    return ErrorBody.model_validate_json(response.text).error


def _svc(client: TestClient) -> Services:
    found: Services = client.app_state["services"]
    return found


def test_an_agent_with_their_key_becomes_available(client: TestClient) -> None:
    response = _post(client, "alice", ALICE_KEY, {"status": "available"})
    assert response.status_code == 200
    assert response.json() == {"agent": "alice", "status": "available"}
    presence = _svc(client).presence.get(AgentId("alice"))
    assert presence is not None and presence.status is AgentStatus.AVAILABLE
    assert presence.cause == "set by the agent"


def test_becoming_available_dials_a_waiting_customer_at_once(client: TestClient) -> None:
    svc = _svc(client)
    incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
    request = svc.store.enqueue(QueueName("support"), E164("+442079460456"), incoming, MONDAY_10)
    _post(client, "alice", ALICE_KEY, {"status": "available"})
    stored = svc.store.get(request.request.id)
    assert stored is not None and stored.state is State.DIALING
    presence = svc.presence.get(AgentId("alice"))
    assert presence is not None and presence.status is AgentStatus.BUSY


def test_the_supervisor_may_change_any_agent(client: TestClient) -> None:
    response = _post(client, "boris", SUPERVISOR_KEY, {"status": "away"})
    assert response.status_code == 200
    presence = _svc(client).presence.get(AgentId("boris"))
    assert presence is not None and presence.cause == "set by the supervisor"


@pytest.mark.parametrize(
    ("agent", "key", "body", "status", "code", "field"),
    [
        ("alice", None, {"status": "away"}, 401, "unauthorized", "Authorization"),
        ("alice", "wrong", {"status": "away"}, 403, "forbidden", "Authorization"),
        ("boris", ALICE_KEY, {"status": "away"}, 403, "forbidden", "Authorization"),
        ("nobody", ALICE_KEY, {"status": "away"}, 403, "forbidden", "Authorization"),
        ("nobody", SUPERVISOR_KEY, {"status": "away"}, 404, "not_found", "agent_id"),
        ("alice", ALICE_KEY, {"status": "busy"}, 422, "invalid_field", "status"),
        ("alice", ALICE_KEY, ["available"], 400, "invalid_body", None),
    ],
)
def test_refusals_name_the_code_the_field_and_the_rule(
    client: TestClient,
    agent: str,
    key: str | None,
    body: object,
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = _post(client, agent, key, body)
    error = _problem(response, status)
    assert (error.code, error.field) == (code, field) and error.message
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_body_that_is_not_json_is_refused(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {ALICE_KEY}"}
    response = client.post(URL.format("alice"), content=b"\xff{", headers=headers)
    assert _problem(response, 400).code == "invalid_body"


def test_a_body_too_large_is_refused_before_it_is_read_whole(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {ALICE_KEY}"}
    padded = b'{"status": "away", "pad": "' + b"x" * (MAX_BODY + 1) + b'"}'
    response = client.post(URL.format("alice"), content=padded, headers=headers)
    assert _problem(response, 413).code == "body_too_large"


def test_a_path_no_route_takes_answers_the_problem_shape(client: TestClient) -> None:
    # A line break in the id: not even the preflight route's path matches it.
    response = client.post("/api/v1/agents/a%0Ab/status", json={"status": "available"})
    assert _problem(response, 404).code == "not_found"


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/no-such-thing")])
def test_a_path_the_api_lacks_answers_json(client: TestClient, method: str, path: str) -> None:
    # Every API path answers a browser's preflight, so Starlette finds the path but not the
    # method: a 405 allowing only OPTIONS, in the API's JSON like every other answer there.
    response = client.request(method, path, headers={"Authorization": f"Bearer {ALICE_KEY}"})
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS"
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_known_path_with_another_method_is_a_json_405(client: TestClient) -> None:
    response = client.get(URL.format("alice"))
    assert _problem(response, 405).code == "method_not_allowed"
    assert response.headers["allow"] == "POST"


def test_a_busy_agent_cannot_declare_themselves_available(client: TestClient) -> None:
    svc = _svc(client)
    incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
    svc.store.enqueue(QueueName("support"), E164("+442079460456"), incoming, MONDAY_10)
    _post(client, "alice", ALICE_KEY, {"status": "available"})
    response = _post(client, "alice", ALICE_KEY, {"status": "available"})
    error = _problem(response, 409)
    assert (error.code, error.field) == ("agent_busy", "status")


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"status": []}, 422, "invalid_field", "status"),
        ({"status": {}}, 422, "invalid_field", "status"),
        ({"status": ["available"]}, 422, "invalid_field", "status"),
        ({"status": None}, 422, "invalid_field", "status"),
        ({"status": 1}, 422, "invalid_field", "status"),
        ({}, 422, "invalid_field", "status"),
        ({"status": "away", "until": "noon"}, 422, "unknown_field", "until"),
        ("available", 400, "invalid_body", None),
        (None, 400, "invalid_body", None),
    ],
)
def test_an_odd_body_is_refused_naming_the_field_and_the_rule(
    client: TestClient, body: object, status: int, code: str, field: str | None
) -> None:
    response = _post(client, "alice", ALICE_KEY, body)
    error = _problem(response, status)
    assert (error.code, error.field) == (code, field) and error.message
    presence = _svc(client).presence.get(AgentId("alice"))
    assert presence is None or presence.status is AgentStatus.OFFLINE


def test_a_database_failure_answers_503_not_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*_args: object, **_kwargs: object) -> NoReturn:
        raise OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("locked"))

    monkeypatch.setattr(PresenceStore, "get", locked)
    response = _post(client, "alice", ALICE_KEY, {"status": "away"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"]
