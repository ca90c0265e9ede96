"""A database that fails under the API answers a JSON 503 with Retry-After, never a bare 500."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import NoReturn

import httpx2
import pytest
from sqlalchemy.exc import OperationalError

from callback.store.abuse import AbuseStore
from callback.store.booking import Ledger
from callback.store.places import Places
from callback.store.tokens import TokenStore
from tests.webhooks.api.conftest import ORIGIN, Api, as_json, form
from webhooks.api.openapi import document
from webhooks.api.schemas import CallbackOut, ErrorBody

DAY = timedelta(days=1)
LOCKED = sqlite3.OperationalError("database is locked")


def _locked(*_args: object, **_kwargs: object) -> NoReturn:
    # What SQLAlchemy raises when SQLite's busy timeout runs out at BEGIN IMMEDIATE.
    raise OperationalError("BEGIN IMMEDIATE", {}, LOCKED)


def _assert_unavailable(response: httpx2.Response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.headers["content-type"] == "application/json"
    body = ErrorBody.model_validate_json(response.text)
    assert (body.error.code, body.error.retry_after) == ("unavailable", 5)


def test_a_locked_database_at_enqueue_answers_503_and_stores_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Ledger, "enqueue", _locked)
    response = api.web(form())
    _assert_unavailable(response)
    # The widget may read the answer: its origin gets the CORS headers, Retry-After exposed.
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    monkeypatch.undo()
    assert api.stored() == 0
    # The limits rolled back with the request: a failed booking costs the number nothing.
    now = api.svc.clock()
    assert api.state.abuse.count("number", "+442079460456", now - DAY, now + DAY) == 0


def test_a_locked_database_at_the_limits_answers_503(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AbuseStore, "admission", _locked)
    _assert_unavailable(api.signed(as_json({"queue": "support", "phone": "020 7946 0456"})))


def test_a_locked_database_at_the_replay_check_answers_503(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AbuseStore, "admit", _locked)
    _assert_unavailable(api.signed(as_json({"queue": "support", "phone": "020 7946 0456"})))


def test_the_status_link_and_the_queue_estimate_answer_503_too(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = CallbackOut.model_validate_json(api.web(form()).text)
    monkeypatch.setattr(TokenStore, "request_for", _locked)
    _assert_unavailable(api.client.get(out.status_url))
    _assert_unavailable(api.client.delete(out.status_url))
    monkeypatch.setattr(Places, "ahead", _locked)  # the newcomer's place in the line
    _assert_unavailable(api.client.get("/api/v1/queues/support/estimate"))


def test_a_refusal_is_answered_even_when_its_tally_cannot_be_saved(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AbuseStore, "refused", _locked)
    response = api.web(form("12"))
    assert response.status_code == 422
    assert ErrorBody.model_validate_json(response.text).error.code == "invalid_number"


def test_the_document_names_503_wherever_the_database_is_read() -> None:
    paths = document()["paths"]
    assert "503" in paths["/api/v1/callbacks"]["post"]["responses"]
    assert "503" in paths["/api/v1/callbacks/{token}"]["get"]["responses"]
    assert "503" in paths["/api/v1/queues/{queue}/slots"]["get"]["responses"]
    assert "503" not in paths["/api/v1/widget"]["get"]["responses"]
