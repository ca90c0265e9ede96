"""Signatures as Twilio computes them: repeated names, JSON bodies by hash, HMAC-SHA256."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import HMAC_SHA256, RequestValidator

from tests.webhooks.twilio.conftest import CALLER, PUBLIC, SERVICE, Response, Twilio
from webhooks.twilio.form import parse_form
from webhooks.twilio.signature import (
    SETTINGS_HEADER,
    SIGNATURE_HEADER,
    SIMULATED_AUTH_TOKEN,
    SignatureChecker,
)

CALL = [("CallSid", "CA" + "7" * 32), ("From", CALLER), ("To", SERVICE)]
REPEATED = [*CALL, ("StirPassportToken", "b"), ("StirPassportToken", "a")]
PRIMARY = "8d1f3a6b2c4e5f708192a3b4c5d6e7f8"
SECONDARY = "0a9b8c7d6e5f40312233445566778899"
SHA256_SETTINGS = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"


def _twilio_signs(url: str, pairs: list[tuple[str, str]], algorithm: str | None = None) -> str:
    # Twilio's library over a multi-value mapping: every value of a repeated name is signed.
    signer = RequestValidator(SIMULATED_AUTH_TOKEN)
    signature: str = signer.compute_signature(url, ImmutableMultiDict(pairs), algorithm)
    return signature


def _post(twilio: Twilio, path: str, body: str, headers: dict[str, str]) -> Response:
    content = {"Content-Type": "application/x-www-form-urlencoded"}
    return twilio.client.post(path, content=body.encode(), headers=content | headers)


def test_a_repeated_name_validates_as_twilio_signs_it(twilio: Twilio) -> None:
    signature = _twilio_signs(PUBLIC + "/twilio/voice", REPEATED)
    response = _post(twilio, "/twilio/voice", urlencode(REPEATED), {SIGNATURE_HEADER: signature})
    assert response.status_code == 200
    assert "<Response>" in response.text


def test_a_repeated_name_with_a_value_changed_or_dropped_is_refused(twilio: Twilio) -> None:
    signature = {SIGNATURE_HEADER: _twilio_signs(PUBLIC + "/twilio/voice", REPEATED)}
    changed = [*CALL, ("StirPassportToken", "b"), ("StirPassportToken", "c")]
    dropped = [*CALL, ("StirPassportToken", "a")]
    added = [*REPEATED, ("StirPassportToken", "d")]
    for forged in (changed, dropped, added):
        assert _post(twilio, "/twilio/voice", urlencode(forged), signature).status_code == 403


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "Digits"]), st.text()), max_size=8))
def test_any_form_with_repeats_validates_exactly_when_twilio_signed_those_values(
    pairs: list[tuple[str, str]],
) -> None:
    checker = SignatureChecker(base_url=PUBLIC, tokens=(SIMULATED_AUTH_TOKEN,))
    signature = _twilio_signs(PUBLIC + "/twilio/sms", pairs)
    form = parse_form(urlencode(pairs).encode())
    assert checker.valid("/twilio/sms", "", form, signature)
    forged = "x" + "".join(value for _, value in pairs)  # longer than any value sent: new
    extra = parse_form(urlencode([*pairs, ("A", forged)]).encode())
    assert not checker.valid("/twilio/sms", "", extra, signature)


def _json_request(body: str) -> tuple[str, str]:
    query = urlencode({"bodySHA256": hashlib.sha256(body.encode()).hexdigest()})
    signature = RequestValidator(PRIMARY).compute_signature(f"{PUBLIC}/twilio/sms?{query}", {})
    return query, signature


def test_a_json_body_signed_by_its_sha256_validates_and_a_tampered_one_does_not() -> None:
    checker = SignatureChecker(base_url=PUBLIC, tokens=(SECONDARY, PRIMARY))
    body = json.dumps({"CallSid": "CA" + "7" * 32, "From": CALLER})
    query, signature = _json_request(body)
    no_form = parse_form(b"")
    assert checker.valid("/twilio/sms", query, no_form, signature, body=body)
    tampered = body.replace(CALLER, "+447700900999")
    assert not checker.valid("/twilio/sms", query, no_form, signature, body=tampered)
    other_hash, _ = _json_request(tampered)
    assert not checker.valid("/twilio/sms", other_hash, no_form, signature, body=tampered)


def test_an_hmac_sha256_signature_validates_when_the_settings_header_names_it(
    twilio: Twilio,
) -> None:
    sha256 = _twilio_signs(PUBLIC + "/twilio/voice", CALL, HMAC_SHA256)
    sha1 = _twilio_signs(PUBLIC + "/twilio/voice", CALL)
    body = urlencode(CALL)
    named = {SIGNATURE_HEADER: sha256, SETTINGS_HEADER: SHA256_SETTINGS}
    assert _post(twilio, "/twilio/voice", body, named).status_code == 200
    # Each signature only under its own algorithm: no downgrade, no mix-up.
    assert _post(twilio, "/twilio/voice", body, {SIGNATURE_HEADER: sha256}).status_code == 403
    mixed = {SIGNATURE_HEADER: sha1, SETTINGS_HEADER: SHA256_SETTINGS}
    assert _post(twilio, "/twilio/voice", body, mixed).status_code == 403
    unknown = {SIGNATURE_HEADER: sha256, SETTINGS_HEADER: "algorithm=HMAC_MD5"}
    assert _post(twilio, "/twilio/voice", body, unknown).status_code == 403
