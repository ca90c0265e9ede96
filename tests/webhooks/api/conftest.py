"""An app with one widget site and one signing key, and helpers that talk to it like clients."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP, Signed, signature
from webhooks.api.state import ApiState
from webhooks.services import Services

SITE_KEY_VALUE = "pk_example_energy_widget"
ORIGIN = "https://www.example.com"
APP_ID = "ios-app"
APP_SECRET = "app-secret-for-tests-only"
SUPERVISOR_KEY = "supervisor-key-for-tests-only"
# Ofcom's drama ranges: valid numbers that never reach a real person.
PHONE = "+44 20 7946 0456"
OTHER = "+44 20 7946 0457"

API_TABLES = f"""
[api]
[[api.sites]]
id = "www"
key_sha256 = "{hashlib.sha256(SITE_KEY_VALUE.encode()).hexdigest()}"
origins = ["{ORIGIN}", "http://localhost:8080"]

[[api.keys]]
id = "{APP_ID}"
secret_env = "HOLDLESS_TEST_APP_SECRET"
"""


def sha(text: str) -> str:
    """Hex SHA-256 of `text`."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Api:
    """A started app and the requests its clients send."""

    client: TestClient

    @property
    def svc(self) -> Services:
        """The app's core services."""
        found: Services = self.client.app_state["services"]
        return found

    @property
    def state(self) -> ApiState:
        """The app's API state."""
        found: ApiState = self.client.app_state["api"]
        return found

    @state.setter
    def state(self, value: ApiState) -> None:
        self.client.app_state["api"] = value

    def web(self, body: dict[str, Any], **headers: str) -> httpx2.Response:
        """POST as the widget from the listed origin."""
        sent = {SITE_KEY: SITE_KEY_VALUE, "Origin": ORIGIN, **headers}
        return self.client.post("/api/v1/callbacks", json=body, headers=sent)

    def signed(
        self, body: bytes, *, at: int | None = None, secret: str = APP_SECRET, key: str = APP_ID
    ) -> httpx2.Response:
        """POST as the app, signed with its secret at Unix time `at` (default: now)."""
        stamp = str(at if at is not None else int(self.svc.clock().timestamp()))
        digest = signature(secret, stamp, Signed("POST", "/api/v1/callbacks", "", body))
        headers = {KEY_ID: key, TIMESTAMP: stamp, SIGNATURE: digest}
        headers["Content-Type"] = "application/json"
        return self.client.post("/api/v1/callbacks", content=body, headers=headers)

    def stored(self) -> int:
        """Callback requests in the database."""
        return sum(
            c.waiting + c.scheduled + c.dialing + c.connected
            for c in self.svc.store.counts(self.svc.clock()).values()
        )

    def refusals(self) -> dict[str, int]:
        """Refusal counts by reason."""
        return {r.reason: r.count for r in self.state.abuse.refusals()}


def form(phone: object = PHONE, **extra: Any) -> dict[str, Any]:
    """A widget form filled by a person in eight seconds."""
    return {"queue": "support", "phone": phone, "fill_ms": 8000, **extra}


def as_json(body: dict[str, Any]) -> bytes:
    """The body an app sends."""
    return json.dumps(body).encode()


@pytest.fixture
def api(
    config_file: Path,
    make_client: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> Api:
    """The example config plus the API tables, a supervisor key and the app secret set."""
    text = config_file.read_text().replace(
        'company = "Example Energy"',
        f'company = "Example Energy"\nsupervisor_key_sha256 = "{sha(SUPERVISOR_KEY)}"',
    )
    marker = "# How long personal data"
    config_file.write_text(text.replace(marker, API_TABLES + "\n" + marker))
    monkeypatch.setenv("HOLDLESS_TEST_APP_SECRET", APP_SECRET)
    return Api(make_client())
