"""The Twilio stand-in: faults on the wire, the carrier's answers, and the record of calls."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from chaos.config import Credentials
from chaos.faults import NO_FAULTS, Faults, Outcome
from chaos.standin import StandIn, basic_auth, request_id_of

CREDENTIALS = Credentials.fresh()
CALLS = f"/i/a/2010-04-01/Accounts/{CREDENTIALS.account_sid}/Calls.json"
DIAL = {
    "To": "+441134960007",
    "From": "+442079460000",
    "Url": "http://127.0.0.1:9/twilio/ivr/answer?queue=support&lang=en&request=42",
    "StatusCallback": "http://127.0.0.1:9/twilio/status",
}
AUTH = (CREDENTIALS.account_sid, CREDENTIALS.auth_token)


def serving(faults: Faults) -> Iterator[tuple[StandIn, TestClient]]:
    standin = StandIn(CREDENTIALS, "http://127.0.0.1:9", faults)
    with TestClient(standin.app()) as client:
        yield standin, client
    asyncio.run(standin.stop())


@pytest.fixture
def clean() -> Iterator[tuple[StandIn, TestClient]]:
    yield from serving(NO_FAULTS)


def test_a_created_call_is_recorded_with_its_instance_and_request(
    clean: tuple[StandIn, TestClient],
) -> None:
    standin, client = clean

    answer = client.post(CALLS, data=DIAL, auth=AUTH)

    assert answer.status_code == 201
    [placed] = standin.placed
    assert (placed.sid, placed.to, placed.instance, placed.request_id) == (
        answer.json()["sid"],
        "+441134960007",
        "a",
        42,
    )
    assert placed.outcome is Outcome.ANSWERED


def test_the_calls_list_the_sweep_reads_finds_the_call(clean: tuple[StandIn, TestClient]) -> None:
    _standin, client = clean
    sid = client.post(CALLS, data=DIAL, auth=AUTH).json()["sid"]

    listed = client.get(CALLS, params={"To": "+441134960007"}, auth=AUTH)
    fetched = client.get(CALLS.removesuffix(".json") + f"/{sid}.json", auth=AUTH)

    assert [call["sid"] for call in listed.json()["calls"]] == [sid]
    assert fetched.json()["to"] == "+441134960007"


def test_wrong_credentials_are_refused_and_nothing_is_dialled(
    clean: tuple[StandIn, TestClient],
) -> None:
    standin, client = clean

    answer = client.post(CALLS, data=DIAL, auth=(CREDENTIALS.account_sid, "0" * 32))

    assert answer.status_code == 401
    assert standin.placed == []


def test_a_server_error_is_twilio_shaped_and_dials_nobody() -> None:
    for standin, client in serving(
        Faults(min_delay_s=0, max_delay_s=0, error_rate=1.0, hold_rate=0)
    ):
        answer = client.post(CALLS, data=DIAL, auth=AUTH)

        assert answer.status_code in (500, 503)
        assert answer.json()["code"] == 20500
        assert standin.placed == []
        assert standin.failed == 1


def test_a_held_answer_still_creates_the_call() -> None:
    faults = Faults(min_delay_s=0, max_delay_s=0, error_rate=0, hold_rate=1.0, hold_s=0.01)
    for standin, client in serving(faults):
        answer = client.post(CALLS, data=DIAL, auth=AUTH)

        assert answer.status_code == 201  # the real client gave up long before this
        assert [call.outcome for call in standin.placed] == [Outcome.HELD]
        assert standin.held == 1


def test_request_ids_and_basic_auth_are_read_from_the_wire() -> None:
    token = base64.b64encode(b"ACx:secret").decode()

    assert request_id_of(DIAL["Url"]) == 42
    assert request_id_of("http://h/twilio/status") is None
    assert request_id_of(None) is None
    assert basic_auth(f"Basic {token}") == ("ACx", "secret")
    assert basic_auth("Bearer abc") is None
