"""Voice access tokens for `client:` agents: the console's and the API's way in, the JWT's
identity, grant and expiry (decoded with PyJWT), and clear refusals."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store import make_engine
from settings import Settings, SettingsError, load_settings
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.console.support import (
    add_users,
    csrf_of,
    sign_in,
)
from webhooks.api.schemas import ErrorBody
from webhooks.app import create_app

ACCOUNT = "AC3f9d27e1b40c58a6f2e7d193b5c80a4e"
KEY_SID = "SK8f1e2d3c4b5a69788796a5b4c3d2e1f0"
SECRET = "k8Jw2QxN7pLm4RtV9yZc3HbF6sDg1AeT"
APP_SID = "AP0b7d4e19c2a5f68e3d1c9b0a72f4e6d5"
ALICE_KEY = "alice-key-for-tests-only"
SUPERVISOR_KEY = "supervisor-key-for-tests-only"
API = "/api/v1/agents/{}/voice-token"
TOKEN = {"twilio_api_key_sid": KEY_SID, "twilio_api_key_secret": SECRET}
TOKENS = TOKEN | {"twilio_account_sid": ACCOUNT, "twilio_twiml_app_sid": APP_SID}


def _sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@pytest.fixture
def keyed(config_file: Path) -> Path:
    """The example config with alice's own key and the supervisor's."""
    text = config_file.read_text()
    text = text.replace('id = "alice"\n', f'id = "alice"\napi_key_sha256 = "{_sha(ALICE_KEY)}"\n')
    text = text.replace(
        'company = "Example Energy"',
        f'company = "Example Energy"\nsupervisor_key_sha256 = "{_sha(SUPERVISOR_KEY)}"',
    )
    config_file.write_text(text)
    return config_file


def _client(settings: Settings, **update: Any) -> Iterator[TestClient]:
    engine = make_engine(settings.database_url)
    add_users(engine)
    engine.dispose()
    built = Settings(
        _env_file=None,
        database_url=settings.database_url,
        config_file=settings.config_file,
        carrier="simulated",
        **update,
    )
    app = create_app(built, clock=lambda: MONDAY_10, ticker=False)
    with TestClient(app) as started:
        yield started


@pytest.fixture
def client(settings: Settings, keyed: Path) -> Iterator[TestClient]:
    """An app whose voice access tokens are configured."""
    yield from _client(settings, **TOKENS)


@pytest.fixture
def bare(settings: Settings, keyed: Path) -> Iterator[TestClient]:
    """An app without the API key and TwiML app settings."""
    yield from _client(settings)


def _claims(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    # The app's clock is in the past: check the signature and every claim but expiry by the
    # wall clock, then the expiry against the app's own clock.
    claims: dict[str, Any] = jwt.decode(
        body["token"], SECRET, algorithms=["HS256"], options={"verify_exp": False}
    )
    assert body["identity"] == claims["grants"]["identity"]
    return claims


def _check(claims: dict[str, Any], identity: str) -> None:
    assert claims["iss"] == KEY_SID and claims["sub"] == ACCOUNT
    assert claims["grants"]["identity"] == identity
    voice = claims["grants"]["voice"]
    assert voice["incoming"] == {"allow": True}
    assert voice["outgoing"] == {"application_sid": APP_SID}
    start = int(MONDAY_10.timestamp())
    assert (claims["nbf"], claims["exp"]) == (start, start + 3600)


def test_a_signed_in_agent_gets_a_token_for_their_client_identity(client: TestClient) -> None:
    sign_in(client, "alice")
    token = csrf_of(client.get("/console/").text)
    answer = client.post("/console/me/voice-token", headers={"X-CSRF-Token": token})
    _check(_claims(answer), "alice")
    assert answer.json()["expires_at"] == "2026-03-02T11:00:00Z"


def test_the_console_token_needs_the_csrf_token_and_an_agent(client: TestClient) -> None:
    sign_in(client, "alice")
    assert client.post("/console/me/voice-token").status_code == 403
    client.cookies.clear()
    sign_in(client, "sam")
    token = csrf_of(client.get("/console/").text)
    answer = client.post("/console/me/voice-token", headers={"X-CSRF-Token": token})
    assert answer.status_code == 403


@pytest.mark.parametrize("key", [ALICE_KEY, SUPERVISOR_KEY])
def test_a_machine_key_gets_a_token(client: TestClient, key: str) -> None:
    answer = client.post(API.format("alice"), headers={"Authorization": f"Bearer {key}"})
    _check(_claims(answer), "alice")


def test_an_agent_key_gets_no_token_for_someone_else(client: TestClient) -> None:
    answer = client.post(API.format("dagur"), headers={"Authorization": f"Bearer {ALICE_KEY}"})
    assert ErrorBody.model_validate_json(answer.text).error.code == "forbidden"
    unsigned = client.post(API.format("alice"))
    assert ErrorBody.model_validate_json(unsigned.text).error.code == "unauthorized"
    assert (unsigned.status_code, unsigned.headers["www-authenticate"]) == (401, "Bearer")


def test_an_agent_reached_at_a_sip_address_gets_a_clear_refusal(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {SUPERVISOR_KEY}"}
    answer = client.post(API.format("boris"), headers=headers)
    assert answer.status_code == 409
    error = ErrorBody.model_validate_json(answer.text).error
    assert (error.code, error.field) == ("no_browser_phone", "endpoint")
    assert "not a 'client:' identity" in error.message


def test_without_the_settings_the_refusal_names_them(
    bare: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Authorization": f"Bearer {SUPERVISOR_KEY}"}
    answer = bare.post(API.format("alice"), headers=headers)
    assert answer.status_code == 503
    error = ErrorBody.model_validate_json(answer.text).error
    assert (error.code, error.field) == ("voice_tokens_off", "HOLDLESS_TWILIO_ACCOUNT_SID")
    assert error.message == (
        "voice access tokens are off: set HOLDLESS_TWILIO_ACCOUNT_SID, "
        "HOLDLESS_TWILIO_API_KEY_SID, HOLDLESS_TWILIO_API_KEY_SECRET, HOLDLESS_TWILIO_TWIML_APP_SID"
    )
    sign_in(bare, "alice")
    token = csrf_of(bare.get("/console/").text)
    assert bare.post("/console/me/voice-token", headers={"X-CSRF-Token": token}).status_code == 503


def test_the_secret_is_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        answer = client.post(API.format("alice"), headers={"Authorization": f"Bearer {ALICE_KEY}"})
    assert answer.status_code == 200
    assert SECRET not in caplog.text and answer.json()["token"] not in caplog.text


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        (
            "twilio_api_key_sid",
            "AP8f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "must be 'SK' followed by 32 hex digits",
        ),
        ("twilio_api_key_sid", "SK" + "0" * 32, "looks like a placeholder"),
        ("twilio_twiml_app_sid", "AP123", "must be 'AP' followed by 32 hex digits"),
        ("twilio_api_key_secret", "short-secret-value", "32 letters and digits"),
        ("twilio_api_key_secret", "your_api_key_secret_goes_here_00", "looks like a placeholder"),
    ],
)
def test_bad_settings_are_refused_without_echoing_them(
    field: str, value: str, rule: str, tmp_path: Path
) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, **{field: value})
    message = str(refused.value)
    assert f"HOLDLESS_{field.upper()}: Value error, " in message and rule in message
    assert value not in message
    assert SECRET not in repr(Settings(_env_file=None, twilio_api_key_secret=SECRET))


def test_the_token_route_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/agents/{agent_id}/voice-token"]["post"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "409", "503"}
    problem = {"$ref": "#/components/schemas/ErrorBody"}
    errors = [answer for status, answer in operation["responses"].items() if status != "200"]
    assert all(e["content"]["application/json"]["schema"] == problem for e in errors)


def test_an_agent_user_out_of_the_roster_gets_no_token(
    client: TestClient, settings: Settings
) -> None:
    engine: Engine = make_engine(settings.database_url)
    try:
        from callback.store.users import Role, UserStore
        from tests.webhooks.console.support import PASSWORD, quick_passwords

        UserStore(engine).add(
            "gone", Role.AGENT, "gone", quick_passwords().hash(PASSWORD), MONDAY_10
        )
    finally:
        engine.dispose()
    sign_in(client, "gone")
    token = csrf_of(client.get("/console/").text)
    answer = client.post("/console/me/voice-token", headers={"X-CSRF-Token": token})
    assert answer.status_code == 409
    error = ErrorBody.model_validate_json(answer.text).error
    assert (error.code, error.message) == ("not_in_roster", "you are not in the roster now")
