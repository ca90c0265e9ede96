"""A known answer from Twilio's documentation pins the webhook signature check.

The example request of the twilio-php validation guide: auth token 12345, the URL
https://mycompany.com/myapp.php?foo=1&bar=2, five POST parameters and the signature Twilio
publishes for them. Whatever the checker's fast path or library version, this must pass.
"""

from __future__ import annotations

import pytest

from webhooks.twilio.signature import SignatureChecker

TOKEN = "12345"  # the documentation's example token
BASE = "https://mycompany.com"
PATH, QUERY = "/myapp.php", "foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_the_documented_request_is_accepted() -> None:
    checker = SignatureChecker(base_url=BASE, tokens=(TOKEN,))
    assert checker.valid(PATH, QUERY, PARAMS, SIGNATURE)


def test_the_documented_request_passes_as_the_secondary_token_during_rotation() -> None:
    checker = SignatureChecker(base_url=BASE, tokens=("f" * 32, TOKEN))
    assert checker.valid(PATH, QUERY, PARAMS, SIGNATURE)


@pytest.mark.parametrize(
    ("path", "query", "params"),
    [
        (PATH, QUERY, {**PARAMS, "Digits": "1235"}),
        (PATH, "foo=1&bar=3", PARAMS),
        ("/myapp.php/", QUERY, PARAMS),
        (PATH, QUERY, {**PARAMS, "Extra": ""}),
    ],
    ids=["a-changed-digit", "another-query", "another-path", "an-added-parameter"],
)
def test_any_change_to_the_documented_request_is_refused(
    path: str, query: str, params: dict[str, str]
) -> None:
    checker = SignatureChecker(base_url=BASE, tokens=(TOKEN,))
    assert not checker.valid(path, query, params, SIGNATURE)


def test_another_token_refuses_the_documented_signature() -> None:
    checker = SignatureChecker(base_url=BASE, tokens=("12346",))
    assert not checker.valid(PATH, QUERY, PARAMS, SIGNATURE)
