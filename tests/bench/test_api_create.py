"""The API benchmark's requests: signed the way the server verifies, each with a new number."""

from __future__ import annotations

import json
from pathlib import Path

from bench.api_create import AGAINST, PATH, SignedCallbacks, database_urls, phone, served
from bench.api_setup import AppKey
from callback.numbers import AcceptedNumber, NumberPolicy, check_number
from webhooks.api.auth import Signed, signature


def _split(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")[1:]
    return {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_each_request_carries_the_signature_the_server_expects() -> None:
    key = AppKey("bench-app", "s3cret-for-the-test")
    headers, body = _split(SignedCallbacks(8000, key, first=0)())
    stamp = headers["x-holdless-timestamp"]
    expected = signature(key.secret, stamp, Signed("POST", PATH, "", body))
    assert headers["x-holdless-signature"] == expected
    assert headers["x-holdless-key-id"] == "bench-app"
    assert int(headers["content-length"]) == len(body)


def test_each_request_has_a_new_valid_number() -> None:
    make = SignedCallbacks(8000, AppKey.fresh(), first=0)
    numbers = [json.loads(_split(make())[1])["phone"] for _ in range(50)]
    assert len(set(numbers)) == 50
    assert numbers[0] == phone(0)
    for number in (phone(0), phone(8_999_999)):
        assert isinstance(check_number(number, "GB", NumberPolicy()), AcceptedNumber)


def test_another_checkout_is_served_beside_each_backend_on_its_own_database(
    tmp_path: Path,
) -> None:
    names = served(["sqlite"], tmp_path / "before")
    assert names == ["sqlite", f"sqlite{AGAINST}"]
    with database_urls(tmp_path, names) as urls:
        assert len(set(urls.values())) == 2
    assert served(["sqlite"], None) == ["sqlite"]
