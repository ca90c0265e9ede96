"""SMS verification (double opt-in): a typed number is booked only once its code comes back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store.engine import read_transaction
from callback.store.listing import timeline
from callback.types import E164, Channel, QueueName, RequestId
from settings import Settings
from tests.webhooks.api.conftest import (
    API_TABLES,
    APP_ID,
    APP_SECRET,
    ORIGIN,
    OTHER,
    PHONE,
    SITE_KEY_VALUE,
    form,
)
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP, Signed, signature
from webhooks.api.schemas import CallbackOut, ErrorBody, VerificationOut
from webhooks.api.state import ApiState
from webhooks.app import create_app
from webhooks.services import Services
from webhooks.twilio.notify import MemoryNotifier

NUMBER = E164("+442079460456")
VERIFY = "/api/v1/callbacks/verify"
ON = 'verify_numbers = "sms"'


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = MONDAY_10

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Verifying:
    """An app with SMS verification on, its outbox and its clock."""

    client: TestClient
    sms: MemoryNotifier
    clock: Clock
    stamps: Iterator[int] = field(default_factory=lambda: iter(range(10_000)))

    @property
    def svc(self) -> Services:
        found: Services = self.client.app_state["services"]
        return found

    @property
    def state(self) -> ApiState:
        found: ApiState = self.client.app_state["api"]
        return found

    def web(self, path: str, body: dict[str, Any]) -> httpx2.Response:
        """POST as the widget."""
        headers = {SITE_KEY: SITE_KEY_VALUE, "Origin": ORIGIN}
        return self.client.post(path, json=body, headers=headers)

    def signed(self, path: str, body: dict[str, Any]) -> httpx2.Response:
        """POST as the app, each request with its own timestamp (no replays)."""
        raw = json.dumps(body).encode()
        stamp = str(int(self.clock.now.timestamp()) - next(self.stamps))
        digest = signature(APP_SECRET, stamp, Signed("POST", path, "", raw))
        headers = {KEY_ID: APP_ID, TIMESTAMP: stamp, SIGNATURE: digest}
        headers["Content-Type"] = "application/json"
        return self.client.post(path, content=raw, headers=headers)

    def held(self, phone: str = PHONE, **extra: Any) -> VerificationOut:
        """Ask through the widget and read the 202."""
        response = self.web("/api/v1/callbacks", form(phone, **extra))
        assert response.status_code == 202, response.text
        return VerificationOut.model_validate_json(response.text)

    def code(self, index: int = -1) -> str:
        """The code in a text message sent so far (the latest by default)."""
        found = re.search(r"\b\d{6}\b", self.sms.sent[index][1])
        assert found is not None
        return found.group()

    def stored(self) -> int:
        """Callback requests in line."""
        counts = self.svc.store.counts(self.clock.now).values()
        return sum(c.waiting + c.scheduled for c in counts)

    def refusals(self) -> dict[str, int]:
        return {r.reason: r.count for r in self.state.abuse.refusals()}


@pytest.fixture
def verifying(
    config_file: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Verifying]]:
    """Builds an app with `[abuse]` edited by `replacements` (verification on by default)."""
    clients: list[TestClient] = []

    def build(*replacements: tuple[str, str]) -> Verifying:
        text = config_file.read_text().replace('verify_numbers = "off"', ON)
        for old, new in replacements:
            assert old in text
            text = text.replace(old, new)
        marker = "# How long personal data"
        config_file.write_text(text.replace(marker, API_TABLES + "\n" + marker))
        monkeypatch.setenv("HOLDLESS_TEST_APP_SECRET", APP_SECRET)
        sms, clock = MemoryNotifier(), Clock()
        client = TestClient(create_app(settings, clock=clock, ticker=False, notifier=sms))
        client.__enter__()
        clients.append(client)
        return Verifying(client, sms, clock)

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def app(verifying: Callable[..., Verifying]) -> Verifying:
    """Verification on for the widget, with the example's other settings."""
    return verifying()


def _error(response: httpx2.Response) -> tuple[int, str, str | None]:
    error = ErrorBody.model_validate_json(response.text).error
    return response.status_code, error.code, error.field


def test_a_widget_request_is_held_and_its_code_sent_by_sms(app: Verifying) -> None:
    held = app.held(name="Ann Lee", reason="bill too high")
    assert held.status == "verification_required" and held.code_length == 6
    assert held.expires_at == MONDAY_10 + timedelta(minutes=10)
    assert len(held.verification_id) >= 43
    assert app.stored() == 0
    [(to, text)] = app.sms.sent
    assert to == NUMBER
    # en.toml's sms_verification_code with the example's company: no name, reason or number.
    assert text == (
        f"Example Energy: your code is {app.code()}. It is valid for 10 minutes. "
        "If you did not ask us to call you back, ignore this message."
    )


def test_the_right_code_books_exactly_what_was_sent(app: Verifying) -> None:
    held = app.held(name="Ann Lee", reason="bill too high", context={"page": "/bills"})
    response = app.web(VERIFY, {"verification_id": held.verification_id, "code": app.code()})
    assert response.status_code == 201
    out = CallbackOut.model_validate_json(response.text)
    assert (out.queue, out.state, out.position, out.merged) == ("support", "waiting", 1, False)
    assert out.promise is not None and out.status_url.startswith("http://127.0.0.1:8000/api/v1/")
    stored = app.svc.store.get(RequestId(out.id))
    assert stored is not None and (stored.number, stored.name) == (NUMBER, "Ann Lee")
    assert stored.contexts[0].data == {"client": "www", "page": "/bills", "reason": "bill too high"}
    assert app.client.get(out.status_url).json()["position"] == 1


def test_the_code_sent_joins_the_timeline_of_the_request_without_the_code(app: Verifying) -> None:
    held = app.held(name="Ann Lee")
    code = app.code()
    app.clock.now = MONDAY_10 + timedelta(minutes=2)
    response = app.web(VERIFY, {"verification_id": held.verification_id, "code": code})
    request_id = RequestId(CallbackOut.model_validate_json(response.text).id)
    with read_transaction(app.svc.store.engine) as connection:
        steps = timeline(connection, request_id)
    texts = [step for step in steps if step.what == "sms_verification"]
    assert [step.at for step in texts] == [MONDAY_10]
    assert steps.index(texts[0]) < [s.what for s in steps].index("requested")
    assert code not in " ".join(f"{s.what} {s.detail}" for s in steps)
    assert texts[0].detail.startswith("code not shown")


def test_the_answer_has_the_same_fields_as_an_unverified_request(
    verifying: Callable[..., Verifying],
) -> None:
    app = verifying(('verify_channels = ["web"]', 'verify_channels = ["app"]'))
    held = app.signed("/api/v1/callbacks", {"queue": "support", "phone": PHONE})
    assert held.status_code == 202
    verified = app.signed(
        VERIFY, {"verification_id": held.json()["verification_id"], "code": app.code()}
    )
    direct = app.web("/api/v1/callbacks", form(OTHER))  # the widget is not verified here
    assert (verified.status_code, direct.status_code) == (201, 201)
    assert verified.json().keys() == direct.json().keys()
    assert verified.json()["position"] == 1 and direct.json()["position"] == 2


def test_a_code_works_once(app: Verifying) -> None:
    held = app.held()
    body = {"verification_id": held.verification_id, "code": app.code()}
    assert app.web(VERIFY, body).status_code == 201
    assert _error(app.web(VERIFY, body)) == (404, "not_found", "verification_id")
    assert app.stored() == 1


def test_a_wrong_code_says_how_many_tries_are_left_then_locks(app: Verifying) -> None:
    held = app.held()
    wrong = "000000" if app.code() != "000000" else "111111"
    body = {"verification_id": held.verification_id, "code": wrong}
    left = []
    for _ in range(5):
        response = app.web(VERIFY, body)
        assert _error(response) == (422, "verification_code_wrong", "code")
        left.append(response.json()["error"]["attempts_left"])
    assert left == [4, 3, 2, 1, 0]
    right = app.web(VERIFY, {**body, "code": app.code()})
    assert _error(right) == (429, "verification_locked", "code")
    assert app.stored() == 0
    assert app.refusals() == {"verification_code_wrong": 5, "verification_locked": 1}


def test_a_malformed_code_is_refused_without_using_a_try(app: Verifying) -> None:
    held = app.held()
    for code in ("12345", "1234567", "١٢٣٤٥٦", " 123456"):
        response = app.web(VERIFY, {"verification_id": held.verification_id, "code": code})
        assert _error(response) == (422, "invalid_field", "code")
    extra = app.web(VERIFY, {"verification_id": held.verification_id, "code": "123456", "x": 1})
    assert _error(extra) == (422, "unknown_field", "x")
    assert (
        app.web(VERIFY, {"verification_id": held.verification_id, "code": app.code()}).status_code
        == 201
    )


def test_an_expired_code_is_refused(app: Verifying) -> None:
    held = app.held()
    app.clock.now = held.expires_at
    body = {"verification_id": held.verification_id, "code": app.code()}
    assert _error(app.web(VERIFY, body)) == (410, "verification_expired", "code")
    assert app.stored() == 0


def test_asking_again_replaces_the_held_request_and_is_limited_per_number(
    app: Verifying,
) -> None:
    first = app.held(name="Typo")
    first_code = app.code()
    second = app.held(name="Ann")
    assert second.verification_id != first.verification_id and len(app.sms.sent) == 2
    stale = app.web(VERIFY, {"verification_id": first.verification_id, "code": first_code})
    assert _error(stale) == (404, "not_found", "verification_id")
    third = app.held(name="Ann Lee")
    # The fourth request for the number today: the existing per-number limit refuses it.
    fourth = app.web("/api/v1/callbacks", form())
    assert (fourth.status_code, fourth.json()["error"]["reason"]) == (429, "number")
    assert len(app.sms.sent) == 3
    latest = app.web(VERIFY, {"verification_id": third.verification_id, "code": app.code()})
    assert latest.status_code == 201


def test_a_verification_belongs_to_the_client_that_started_it(
    verifying: Callable[..., Verifying],
) -> None:
    app = verifying(('verify_channels = ["web"]', 'verify_channels = ["web", "app"]'))
    held = app.held()
    body = {"verification_id": held.verification_id, "code": app.code()}
    assert _error(app.signed(VERIFY, body)) == (404, "not_found", "verification_id")
    assert app.web(VERIFY, body).status_code == 201


def test_the_verify_endpoint_needs_the_same_credentials(app: Verifying) -> None:
    held = app.held()
    body = {"verification_id": held.verification_id, "code": app.code()}
    anonymous = app.client.post(VERIFY, json=body)
    assert _error(anonymous)[:2] == (401, "unauthorized")
    foreign = app.client.post(
        VERIFY, json=body, headers={SITE_KEY: SITE_KEY_VALUE, "Origin": "https://evil.example"}
    )
    assert _error(foreign)[:2] == (403, "origin_not_allowed")
    assert app.stored() == 0


def test_apps_are_not_verified_by_default(app: Verifying) -> None:
    response = app.signed("/api/v1/callbacks", {"queue": "support", "phone": PHONE})
    assert response.status_code == 201 and app.sms.sent == []


def test_refused_requests_send_no_code(app: Verifying) -> None:
    assert app.web("/api/v1/callbacks", form("+44 20 7946 0999")).status_code == 422  # blocked
    assert app.web("/api/v1/callbacks", form(fill_ms=10)).status_code == 400  # too fast
    assert app.sms.sent == []


def test_the_code_is_texted_in_the_request_language(app: Verifying) -> None:
    app.held(language="ru")
    assert app.sms.sent[0][1].startswith("Example Energy: ваш код ")


def test_a_number_already_waiting_merges_once_verified(app: Verifying) -> None:
    entry = ContextEntry(Channel.IVR, MONDAY_10, {})
    app.svc.store.enqueue(QueueName("support"), NUMBER, Incoming(entry, MONDAY_10), MONDAY_10)
    held = app.held(name="Ann")
    response = app.web(VERIFY, {"verification_id": held.verification_id, "code": app.code()})
    assert response.status_code == 200 and response.json()["merged"] is True
    assert app.stored() == 1


def test_neither_the_code_nor_the_id_is_stored(app: Verifying) -> None:
    held = app.held()
    with app.svc.store.engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT * FROM phone_verification").one()
    assert all(app.code() not in str(value) for value in row)
    assert all(held.verification_id not in str(value) for value in row)
