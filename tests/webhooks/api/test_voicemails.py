"""The supervisor's voicemail list: who may see it, what it shows, marking a message handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from callback.store.voicemails import Recording, Voicemail
from callback.types import QueueName
from tests.webhooks.api.conftest import SUPERVISOR_KEY, Api
from tests.webhooks.conftest import MONDAY_10

SUPERVISOR = {"Authorization": f"Bearer {SUPERVISOR_KEY}"}
LIST = "/api/v1/voicemails"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{n}"


def _keep(api: Api, n: int, queue: str = "support", minutes: int = 0) -> Voicemail:
    recording = Recording(f"CA{n:032d}", QueueName(queue), "en", RECORDING.format(n=n), 7)
    return api.svc.voicemails.keep(recording, MONDAY_10.replace(minute=minutes))


def _handled(api: Api, voicemail_id: object, body: object, **headers: str) -> Any:
    sent = SUPERVISOR | headers
    return api.client.post(f"{LIST}/{voicemail_id}/handled", json=body, headers=sent)


def _error(response: Any) -> tuple[int, str, str | None]:
    error = response.json()["error"]
    return response.status_code, error["code"], error.get("field")


@pytest.mark.parametrize(
    "request_",
    [
        lambda client, headers: client.get(LIST, headers=headers),
        lambda client, headers: client.post(f"{LIST}/1/handled", json={"by": "x"}, headers=headers),
    ],
    ids=["list", "handled"],
)
def test_only_the_supervisor_key_is_accepted(
    api: Api, request_: Callable[[TestClient, dict[str, str]], Any]
) -> None:
    kept = _keep(api, 1)
    missing = request_(api.client, {})
    assert _error(missing) == (401, "unauthorized", "Authorization")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert _error(request_(api.client, {"Authorization": "Basic abc"}))[0] == 401
    assert _error(request_(api.client, {"Authorization": "Bearer guess"})) == (
        403,
        "forbidden",
        "Authorization",
    )
    assert api.svc.voicemails.get(kept.id) == kept  # nothing marked by a refused request


def test_without_a_configured_supervisor_key_every_key_is_refused(
    make_client: Callable[..., TestClient],
) -> None:
    response = make_client().get(LIST, headers={"Authorization": "Bearer anything"})
    assert _error(response) == (403, "forbidden", "Authorization")


def test_the_list_shows_unhandled_messages_oldest_first(api: Api) -> None:
    late = _keep(api, 1, minutes=30)
    early = _keep(api, 2, minutes=5)
    _keep(api, 3, queue="sales", minutes=10)
    api.svc.voicemails.add_transcription(early.call_sid, "About my meter")
    response = api.client.get(LIST, params={"queue": "support"}, headers=SUPERVISOR)
    assert response.status_code == 200
    listed = response.json()["voicemails"]
    assert [item["id"] for item in listed] == [early.id, late.id]
    assert listed[0] == {
        "id": early.id,
        "call_sid": early.call_sid,
        "queue": "support",
        "language": "en",
        "recording_url": RECORDING.format(n=2),
        "recording_seconds": 7,
        "transcription": "About my meter",
        "received_at": "2026-03-02T10:05:00Z",
        "handled_at": None,
        "handled_by": None,
    }
    every = api.client.get(LIST, params={"limit": "2"}, headers=SUPERVISOR).json()["voicemails"]
    assert [(item["call_sid"][-1], item["queue"]) for item in every] == [
        ("2", "support"),
        ("3", "sales"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("queue=billing", (404, "unknown_queue", "queue")),
        ("queue=Support!", (422, "invalid_field", "queue")),
        ("queue=", (422, "invalid_field", "queue")),
        ("queue=support&queue=sales", (422, "invalid_field", "queue")),
        ("limit=0", (422, "invalid_field", "limit")),
        ("limit=501", (422, "invalid_field", "limit")),
        ("limit=ten", (422, "invalid_field", "limit")),
        ("since=2026-03-01", (422, "unknown_field", "since")),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(
    api: Api, query: str, expected: tuple[int, str, str]
) -> None:
    assert _error(api.client.get(f"{LIST}?{query}", headers=SUPERVISOR)) == expected


def _unhandled_counts(api: Api) -> dict[str, int]:
    queues = api.client.get("/api/v1/queues", headers=SUPERVISOR).json()["queues"]
    return {name: queue["voicemails_unhandled"] for name, queue in queues.items()}


def test_a_handled_message_leaves_the_list_and_the_queue_counts(api: Api) -> None:
    kept = _keep(api, 1)
    other = _keep(api, 2)
    assert _unhandled_counts(api) == {"support": 2, "sales": 0}
    response = _handled(api, kept.id, {"by": "  Alice  "})
    assert response.status_code == 200
    assert response.json()["handled_by"] == "Alice"
    assert response.json()["handled_at"] == "2026-03-02T10:00:00Z"
    listed = api.client.get(LIST, headers=SUPERVISOR).json()["voicemails"]
    assert [item["id"] for item in listed] == [other.id]
    assert _unhandled_counts(api) == {"support": 1, "sales": 0}


def test_marking_twice_keeps_the_first_handler(api: Api) -> None:
    kept = _keep(api, 1)
    _handled(api, kept.id, {"by": "Alice"})
    again = _handled(api, kept.id, {"by": "Bob"})
    assert again.status_code == 200
    assert again.json()["handled_by"] == "Alice"


@pytest.mark.parametrize("voicemail_id", ["999", str(2**31), "99999999999999999999999"])
def test_an_unknown_message_is_not_found(api: Api, voicemail_id: str) -> None:
    response = _handled(api, voicemail_id, {"by": "Alice"})
    assert _error(response) == (404, "not_found", "id")


@pytest.mark.parametrize(
    ("voicemail_id", "body", "expected"),
    [
        ("abc", {"by": "Alice"}, (422, "invalid_field", "id")),
        ("-1", {"by": "Alice"}, (422, "invalid_field", "id")),
        ("1", {}, (422, "invalid_field", "by")),
        ("1", {"by": "   "}, (422, "invalid_field", "by")),
        ("1", {"by": "<b>Alice</b>"}, (422, "invalid_field", "by")),
        ("1", {"by": 7}, (422, "invalid_field", "by")),
        ("1", {"by": "Alice", "note": "x"}, (422, "unknown_field", "note")),
        ("1", ["Alice"], (400, "invalid_body", None)),
    ],
)
def test_a_bad_mark_is_refused_naming_the_field(
    api: Api, voicemail_id: str, body: object, expected: tuple[int, str, str | None]
) -> None:
    kept = _keep(api, 1)
    assert _error(_handled(api, voicemail_id, body)) == expected
    assert api.svc.voicemails.get(kept.id) == kept
