"""Twilio's published contract: the checks, and the simulator refusing what breaks it."""

from __future__ import annotations

import asyncio

import pytest
from twilio.base.exceptions import TwilioRestException

from devtools.carrier import Carrier
from devtools.twilio_contract import USED_PATHS, extract, published

ACCOUNT = "AC" + "0" * 32
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
MEMBER = f"/2010-04-01/Accounts/{ACCOUNT}/Queues/QU{'1' * 32}/Members/CA{'2' * 32}.json"
GOOD_CALL = [
    ("To", "+442079460000"),
    ("From", "+442079460001"),
    ("Url", "https://example.org/answer"),
    ("StatusCallbackEvent", "answered"),
    ("StatusCallbackEvent", "completed"),
    ("MachineDetection", "Enable"),
    ("Timeout", "25"),
]


def test_a_call_as_the_adapter_creates_it_fits() -> None:
    assert published().problems("POST", CALLS, GOOD_CALL) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("Timeout", "soon"), "Timeout: 'soon' is not an integer"),
        (("Colour", "red"), "Colour: not a parameter of this operation"),
        (("To", "+442079460009"), "To: given more than once"),
        (("Url", "/relative"), "Url: '/relative' is not an absolute URL"),
    ],
)
def test_what_the_api_does_not_allow_is_named(change: tuple[str, str], problem: str) -> None:
    assert problem in published().problems("POST", CALLS, [*GOOD_CALL, change])


def test_a_required_field_and_an_enum_are_checked() -> None:
    assert published().problems("POST", CALLS, GOOD_CALL[2:]) == ["From: required", "To: required"]
    bad = published().problems("POST", MEMBER, [("Url", "https://x.org/c"), ("Method", "PUT")])
    assert bad == ["Method: 'PUT' is not one of GET, POST"]
    assert published().problems("POST", MEMBER, [("Method", "POST")]) == ["Url: required"]


def test_path_parameters_and_unknown_operations_are_checked() -> None:
    wrong_queue = MEMBER.replace("QU" + "1" * 32, "QX" + "1" * 32)
    assert any("QueueSid" in p for p in published().problems("POST", wrong_queue, [("Url", "x")]))
    assert published().problems("DELETE", CALLS, []) == [
        f"DELETE {CALLS}: no such operation in the 2010-04-01 API"
    ]


def test_the_extract_keeps_only_used_paths_and_what_the_checks_read() -> None:
    schema = {"type": "integer", "description": "long prose"}
    body = {"properties": {"Timeout": schema}, "required": ["To"], "title": "X"}
    spec = {
        "paths": {
            path: {
                "post": {
                    "description": "prose",
                    "parameters": [{"name": "AccountSid", "in": "path", "schema": schema}],
                    "requestBody": {
                        "content": {"application/x-www-form-urlencoded": {"schema": body}}
                    },
                },
                "servers": [],
            }
            for path in (*USED_PATHS, "/2010-04-01/Accounts/{AccountSid}/Faxes.json")
        }
    }
    slim = extract(spec)
    assert sorted(slim) == sorted(USED_PATHS)
    post = slim[USED_PATHS[0]]["post"]
    assert post["parameters"] == [
        {"name": "AccountSid", "in": "path", "schema": {"type": "integer"}}
    ]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form == {"properties": {"Timeout": {"type": "integer"}}, "required": ["To"]}


@pytest.mark.anyio
async def test_the_simulator_refuses_a_request_outside_the_contract(carrier: Carrier) -> None:
    client = carrier.twilio_client()
    with pytest.raises(TwilioRestException) as refused:
        await asyncio.to_thread(
            client.calls.create,
            to="+442079460000",
            from_="+442079460001",
            url="https://e.org/a",
            timeout="soon",
        )
    assert refused.value.status == 400
    assert "Timeout: 'soon' is not an integer" in str(refused.value.msg)
    assert carrier.book.calls() == []
