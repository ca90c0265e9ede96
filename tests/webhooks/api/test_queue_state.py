"""`GET /api/v1/queues`: the customer's view without a key, the supervisor's with theirs;
both stray routes live under the API's mount, its 503 guard and its OpenAPI document."""

from __future__ import annotations

import sqlite3
from typing import NoReturn

import pytest
from sqlalchemy.exc import OperationalError
from starlette.routing import Mount, Route

from callback.store.queue import QueueStore
from tests.webhooks.api.conftest import SUPERVISOR_KEY, Api
from webhooks.api.openapi import document
from webhooks.queue_views import QueuesFullOut, QueuesPublicOut

URL = "/api/v1/queues"
SUPERVISOR = {"Authorization": f"Bearer {SUPERVISOR_KEY}"}


def test_without_a_key_only_what_a_caller_hears_is_shown(api: Api) -> None:
    response = api.client.get(URL)
    assert response.status_code == 200
    body = QueuesPublicOut.model_validate_json(response.text)
    assert set(body.queues) == {"support", "sales"}
    assert body.queues["support"].open and body.queues["support"].estimate is not None
    status = api.svc.config.status()
    for secret in (str(status["path"]), str(status["hash"]), "recent_changes", "carrier"):
        assert secret not in response.text
    for count in ("waiting", "dialing", "voicemails_unhandled", "broken_promises_24h"):
        assert count not in response.text
    assert response.headers["Vary"] == "Authorization"


def test_the_supervisor_key_shows_the_counts_and_the_config(api: Api) -> None:
    response = api.client.get(URL, headers=SUPERVISOR)
    assert response.status_code == 200
    body = QueuesFullOut.model_validate_json(response.text)
    assert body.config.hash == api.svc.config.status()["hash"]
    assert body.config.path.endswith("holdless.toml")
    assert body.queues["support"].waiting == 0


@pytest.mark.parametrize(
    ("header", "status"),
    [("Bearer not-the-key", 403), ("Bearer " + "a" * 64, 403), ("Basic eDp5", 200)],
)
def test_another_key_is_refused_never_shown_the_full_view(
    api: Api, header: str, status: int
) -> None:
    response = api.client.get(URL, headers={"Authorization": header})
    assert response.status_code == status
    assert str(api.svc.config.status()["hash"]) not in response.text
    if status == 403:
        assert response.json()["error"]["field"] == "Authorization"


def test_a_database_failure_answers_503_not_500(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*_args: object, **_kwargs: object) -> NoReturn:
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(QueueStore, "counts", locked)
    for headers in ({}, SUPERVISOR):
        response = api.client.get(URL, headers=headers)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "unavailable"


def test_no_api_route_is_served_outside_the_guarded_mount(api: Api) -> None:
    app_routes = api.client.app.routes  # type: ignore[attr-defined]
    stray = [r.path for r in app_routes if isinstance(r, Route) and r.path.startswith("/api/")]
    assert stray == []
    mounts = [r for r in app_routes if isinstance(r, Mount) and r.path == "/api/v1"]
    assert len(mounts) == 1
    paths = {route.path for route in mounts[0].routes if isinstance(route, Route)}
    assert {"/queues", "/agents/{agent_id}/status"} <= paths


def test_the_openapi_document_lists_both_routes() -> None:
    paths = document()["paths"]
    queues = paths["/api/v1/queues"]["get"]
    assert {"200", "403", "503"} <= set(queues["responses"])
    assert {} in queues["security"]  # answered without credentials too
    presence = paths["/api/v1/agents/{agent_id}/status"]["post"]
    responses = presence["responses"]
    assert set(responses) == {"200", "400", "401", "403", "404", "409", "413", "422", "503"}
    # The presence route's errors are the API's one problem shape, as every other route's.
    shapes = {
        str(a["content"]["application/json"]["schema"]) for s, a in responses.items() if s != "200"
    }
    assert shapes == {str({"$ref": "#/components/schemas/ErrorBody"})}
    assert presence["requestBody"]["required"] is True
