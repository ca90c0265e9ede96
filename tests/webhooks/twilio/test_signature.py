"""Signature checks: 403 without a valid signature, the secondary token, the proxy URL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from settings import Settings
from tests.webhooks.twilio.conftest import CALLER, PUBLIC, Twilio, sign
from webhooks.app import create_app
from webhooks.twilio.signature import SIGNATURE_HEADER, SignatureChecker, public_url

FORM = {"CallSid": "CA" + "1" * 32, "From": CALLER, "To": "+442079460000"}
PRIMARY = "8d1f3a6b2c4e5f708192a3b4c5d6e7f8"
SECONDARY = "0a9b8c7d6e5f40312233445566778899"


def test_a_missing_signature_is_refused(twilio: Twilio) -> None:
    response = twilio.client.post("/twilio/voice", data=FORM)
    assert response.status_code == 403


def test_a_wrong_signature_is_refused(twilio: Twilio) -> None:
    response = twilio.raw("/twilio/voice", FORM, token="f" * 31 + "0")
    assert response.status_code == 403


def test_a_tampered_parameter_is_refused(twilio: Twilio) -> None:
    headers = {SIGNATURE_HEADER: sign(PUBLIC + "/twilio/voice", FORM)}
    forged = FORM | {"From": "+447700900999"}
    assert twilio.client.post("/twilio/voice", data=forged, headers=headers).status_code == 403


def test_the_url_is_rebuilt_from_the_public_base_not_the_request(twilio: Twilio) -> None:
    # TestClient requests http://testserver/...: a signature over that URL must fail.
    headers = {SIGNATURE_HEADER: sign("http://testserver/twilio/voice", FORM)}
    assert twilio.client.post("/twilio/voice", data=FORM, headers=headers).status_code == 403
    assert twilio.raw("/twilio/voice", FORM).status_code == 200


def test_the_query_string_is_part_of_the_signed_url(twilio: Twilio) -> None:
    path = "/twilio/ivr/offer?queue=support&lang=en"
    headers = {SIGNATURE_HEADER: sign(PUBLIC + "/twilio/ivr/offer", FORM)}
    assert twilio.client.post(path, data=FORM, headers=headers).status_code == 403
    assert twilio.raw(path, FORM).status_code == 200


def _with_tokens(settings: Settings, **values: object) -> Settings:
    return settings.model_copy(update={"twilio_account_sid": "AC" + "3a" * 16, **values})


def _post(settings: Settings, token: str) -> int:
    with TestClient(create_app(settings, ticker=False)) as client:
        headers = {SIGNATURE_HEADER: sign(PUBLIC + "/twilio/voice", FORM, token)}
        return client.post("/twilio/voice", data=FORM, headers=headers).status_code


def test_the_secondary_token_is_accepted_during_rotation(settings: Settings) -> None:
    rotated = _with_tokens(
        settings,
        twilio_auth_token=SecretStr(PRIMARY),
        twilio_secondary_auth_token=SecretStr(SECONDARY),
    )
    assert _post(rotated, PRIMARY) == 200
    assert _post(rotated, SECONDARY) == 200
    assert _post(rotated, "1" * 31 + "2") == 403


def test_without_a_secondary_token_only_the_primary_signs(settings: Settings) -> None:
    single = _with_tokens(settings, twilio_auth_token=SecretStr(PRIMARY))
    assert _post(single, PRIMARY) == 200
    assert _post(single, SECONDARY) == 403


def test_switching_checks_off_warns_at_start_and_accepts_anything(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    unchecked = settings.model_copy(update={"verify_twilio_signatures": False})
    with (
        caplog.at_level(logging.WARNING),
        TestClient(create_app(unchecked, ticker=False)) as client,
    ):
        assert client.post("/twilio/voice", data=FORM).status_code == 200
    warnings = [r for r in caplog.records if "signature checks are OFF" in r.getMessage()]
    assert len(warnings) == 1


def test_public_url_keeps_a_base_path_and_the_raw_query() -> None:
    assert (
        public_url("https://x.example/hl/", "/twilio/sms", "") == "https://x.example/hl/twilio/sms"
    )
    assert public_url("https://x.example", "/a", "b=1&c=2") == "https://x.example/a?b=1&c=2"


def test_an_empty_signature_never_validates() -> None:
    checker = SignatureChecker(base_url=PUBLIC, tokens=("a" * 32,))
    assert not checker.valid("/twilio/voice", "", FORM, "")


def test_tokens_never_reach_the_logs(
    settings: Settings, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    rotated = _with_tokens(settings, twilio_auth_token=SecretStr(PRIMARY))
    with caplog.at_level(logging.DEBUG):
        _post(rotated, "1" * 31 + "2")
    assert PRIMARY not in caplog.text
    assert CALLER not in caplog.text
