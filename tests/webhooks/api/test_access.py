"""Site keys with their origins, CORS, signed requests and their replay window."""

from __future__ import annotations

from typing import Any

from tests.webhooks.api.conftest import (
    APP_SECRET,
    ORIGIN,
    PHONE,
    SITE_KEY_VALUE,
    Api,
    as_json,
    form,
)
from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP


def _code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_an_unknown_site_key_is_refused(api: Api) -> None:
    assert _code(api.web(form(), **{SITE_KEY: "pk_guess"})) == (401, "unauthorized")
    assert api.stored() == 0


def test_a_site_key_from_another_origin_is_refused(api: Api) -> None:
    assert _code(api.web(form(), Origin="https://evil.example")) == (403, "origin_not_allowed")
    no_origin = api.client.post(
        "/api/v1/callbacks", json=form(), headers={SITE_KEY: SITE_KEY_VALUE}
    )
    assert _code(no_origin) == (403, "origin_not_allowed")
    assert api.stored() == 0


def test_a_request_without_credentials_is_refused(api: Api) -> None:
    response = api.client.post("/api/v1/callbacks", json=form())
    assert _code(response) == (401, "unauthorized")
    assert "WWW-Authenticate" in response.headers


def test_cors_answers_only_listed_origins(api: Api) -> None:
    ok = api.client.options("/api/v1/callbacks", headers={"Origin": ORIGIN})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "x-holdless-site-key" in ok.headers["Access-Control-Allow-Headers"]
    bad = api.client.options("/api/v1/callbacks", headers={"Origin": "https://evil.example"})
    assert bad.status_code == 403 and "Access-Control-Allow-Origin" not in bad.headers
    created = api.web(form())
    assert created.headers["Access-Control-Allow-Origin"] == ORIGIN
    estimate = api.client.get(
        "/api/v1/queues/support/estimate", headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in estimate.headers


def test_a_signed_request_with_a_wrong_secret_is_refused(api: Api) -> None:
    assert _code(api.signed(as_json(form()), secret="wrong")) == (401, "unauthorized")
    assert _code(api.signed(as_json(form()), key="nobody")) == (401, "unauthorized")
    assert api.stored() == 0


def test_a_signature_covers_the_body(api: Api) -> None:
    body = as_json({"queue": "support", "phone": PHONE})
    response = api.signed(body)
    assert response.status_code == 201
    headers = {k: response.request.headers[k] for k in (KEY_ID, SIGNATURE, TIMESTAMP)}
    other = as_json({"queue": "support", "phone": "+44 20 7946 0457"})
    tampered = api.client.post("/api/v1/callbacks", content=other, headers=headers)
    assert _code(tampered) == (401, "unauthorized")


def test_a_stale_or_replayed_signature_is_refused(api: Api) -> None:
    now = int(api.svc.clock().timestamp())
    body = as_json({"queue": "support", "phone": PHONE})
    assert _code(api.signed(body, at=now - 301)) == (401, "unauthorized")
    assert _code(api.signed(body, at=now + 301)) == (401, "unauthorized")
    assert api.signed(body, at=now - 299).status_code == 201
    replay = api.signed(body, at=now - 299)
    assert _code(replay) == (401, "unauthorized")
    assert replay.json()["error"]["message"] == "this request was already sent"


def test_a_missing_secret_refuses_every_signature(api: Api, monkeypatch: Any) -> None:
    monkeypatch.delenv("HOLDLESS_TEST_APP_SECRET")
    assert _code(api.signed(as_json(form()), secret="")) == (401, "unauthorized")
    assert _code(api.signed(as_json(form()), secret=APP_SECRET)) == (401, "unauthorized")
