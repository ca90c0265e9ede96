"""Signature checks: 403 without a valid signature, the secondary token, the proxy URL."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

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
    twilio = {"carrier": "twilio", "twilio_account_sid": "AC" + "3a" * 16}
    return settings.model_copy(update={**twilio, **values})


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


# The checker signs the usual case itself; whatever it answers must be what the official
# `RequestValidator.validate` answers with each token (which tries the URL with and without
# its port), for signatures over every variant of the URL and with every token.
BASES = ("https://x.example", "https://x.example:443/hl", "http://127.0.0.1:8000", "http://h:80")
VARIANTS = ("", ":443", ":80", ":8000")
PATHS = (("/twilio/voice", ""), ("/twilio/ivr/offer", "queue=support&lang=en"))


def _signing_urls(base: str, path: str, query: str) -> list[str]:
    parts = urlsplit(public_url(base, path, query))
    host = parts.netloc.split(":")[0]
    return [urlunsplit(parts._replace(netloc=host + port)) for port in VARIANTS]


def _validated(tokens: tuple[str, ...], url: str, form: dict[str, str], signature: str) -> bool:
    return any(RequestValidator(token).validate(url, form, signature) for token in tokens)


@pytest.mark.parametrize("tokens", [(PRIMARY,), (PRIMARY, SECONDARY)])
@pytest.mark.parametrize("base", BASES)
def test_the_checker_accepts_exactly_what_validate_accepts(
    base: str, tokens: tuple[str, ...]
) -> None:
    checker = SignatureChecker(base_url=base, tokens=tokens)
    accepted = 0
    for path, query in PATHS:
        url = public_url(base, path, query)
        for signed_url in _signing_urls(base, path, query):
            for token in (PRIMARY, SECONDARY, "f" * 32):
                signature = sign(signed_url, FORM, token)
                expected = _validated(tokens, url, FORM, signature)
                assert checker.valid(path, query, FORM, signature) == expected
                accepted += expected
    # Each token the checker holds signs the configured URL and its port variant.
    assert accepted == len(PATHS) * len(tokens) * 2


@given(st.dictionaries(st.text(min_size=1), st.text()), st.sampled_from(BASES))
def test_any_form_signed_by_the_primary_token_is_accepted(form: dict[str, str], base: str) -> None:
    checker = SignatureChecker(base_url=base, tokens=(PRIMARY, SECONDARY))
    signature = sign(public_url(base, "/twilio/sms", ""), form, PRIMARY)
    assert checker.valid("/twilio/sms", "", form, signature)
    assert not checker.valid(
        "/twilio/sms", "", form | {"Extra": form.get("Extra", "") + "1"}, signature
    )


def test_a_signature_that_is_not_ascii_is_refused() -> None:
    checker = SignatureChecker(base_url=PUBLIC, tokens=(PRIMARY,))
    assert not checker.valid("/twilio/voice", "", FORM, "é" * 28)


def test_the_checker_shows_no_token() -> None:
    checker = SignatureChecker(base_url=PUBLIC, tokens=(PRIMARY, SECONDARY))
    assert PRIMARY not in repr(checker) and SECONDARY not in repr(checker)
