"""The load's numbers and signatures: valid, distinct, and signed the way the API checks."""

from __future__ import annotations

import phonenumbers
import pytest

from chaos.load import PATH, numbers, signed_headers
from webhooks.api.auth import KEY_ID, SIGNATURE, TIMESTAMP, Signed, signature


def test_numbers_are_distinct_valid_gb_numbers() -> None:
    found = numbers(5000)

    assert len(set(found)) == 5000
    parsed = [phonenumbers.parse(number) for number in found[::97]]
    assert all(phonenumbers.is_valid_number(number) for number in parsed)
    assert {phonenumbers.region_code_for_number(number) for number in parsed} == {"GB"}


def test_more_numbers_than_the_ranges_hold_are_refused() -> None:
    with pytest.raises(ValueError):
        numbers(5001)


def test_the_signature_is_the_apis_own() -> None:
    body = b'{"queue": "support"}'

    headers = signed_headers("s3cret", body, 1_795_000_000.7)

    assert headers[KEY_ID] == "chaos"
    assert headers[TIMESTAMP] == "1795000000"
    expected = signature("s3cret", "1795000000", Signed("POST", PATH, "", body))
    assert headers[SIGNATURE] == expected
