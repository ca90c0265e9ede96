"""The REST side on its own: Twilio's JSON shapes, validation, errors, paging, controls."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from twilio.http.response import Response

from callback.carrier import CallStatus
from devtools.carrier import Records, SimulatedTwilioHttp
from devtools.carrier.book import CallBook, CallControl, NewMessage
from tests.carrier_support import ACCOUNT

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROOT = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT.sid}"
AUTH = (ACCOUNT.sid, ACCOUNT.auth_token)
CALL = {"To": "+442079460321", "From": "+442079460001", "Url": "https://app.example/a"}

# The properties of `api.v2010.account.call` and `api.v2010.account.message` in Twilio's
# OpenAPI description of the 2010-04-01 API (twilio/twilio-oai, twilio_api_v2010.json).
CALL_FIELDS = {
    "sid", "date_created", "date_updated", "parent_call_sid", "account_sid", "to",
    "to_formatted", "from", "from_formatted", "phone_number_sid", "status", "start_time",
    "end_time", "duration", "price", "price_unit", "direction", "answered_by", "api_version",
    "forwarded_from", "group_sid", "caller_name", "queue_time", "trunk_sid", "uri",
    "subresource_uris",
}  # fmt: skip
MESSAGE_FIELDS = {
    "body", "num_segments", "direction", "from", "to", "date_updated", "price",
    "error_message", "uri", "account_sid", "num_media", "status", "messaging_service_sid",
    "sid", "date_sent", "date_created", "error_code", "price_unit", "api_version",
    "subresource_uris",
}  # fmt: skip
LIST_FIELDS = {"end", "first_page_uri", "next_page_uri", "page", "page_size",
               "previous_page_uri", "start", "uri"}  # fmt: skip


@pytest.fixture
def http() -> SimulatedTwilioHttp:
    return SimulatedTwilioHttp(
        CallBook(ACCOUNT.sid), Records(), auth_token=ACCOUNT.auth_token, now=lambda: NOW
    )


def body(response: Response) -> dict[str, object]:
    found: dict[str, object] = json.loads(response.text)
    return found


def test_a_created_call_has_twilios_fields(http: SimulatedTwilioHttp) -> None:
    response = http.request("POST", f"{ROOT}/Calls.json", data=CALL, auth=AUTH)
    assert response.status_code == 201
    call = body(response)
    assert set(call) == CALL_FIELDS
    assert call["status"] == "queued" and call["direction"] == "outbound-api"
    assert call["date_created"] == "Mon, 02 Mar 2026 09:00:00 +0000"
    assert call["uri"] == f"/2010-04-01/Accounts/{ACCOUNT.sid}/Calls/{call['sid']}.json"


@pytest.mark.parametrize(("missing", "code"), [("To", 21201), ("From", 21213), ("Url", 21205)])
def test_a_call_without_a_required_field_gets_twilios_error(
    http: SimulatedTwilioHttp, missing: str, code: int
) -> None:
    data = {key: value for key, value in CALL.items() if key != missing}
    response = http.request("POST", f"{ROOT}/Calls.json", data=data, auth=AUTH)
    assert response.status_code == 400
    error = body(response)
    assert set(error) == {"code", "message", "more_info", "status"}
    assert (error["code"], error["status"]) == (code, 400)
    assert error["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert http.records.rest[-1].status == 400
    assert http.book.drain() == []


def test_inline_twiml_replaces_the_url(http: SimulatedTwilioHttp) -> None:
    data = {**{k: v for k, v in CALL.items() if k != "Url"}, "Twiml": "<Response/>"}
    assert http.request("POST", f"{ROOT}/Calls.json", data=data, auth=AUTH).status_code == 201


def test_credentials_and_account_are_checked(http: SimulatedTwilioHttp) -> None:
    wrong = http.request("POST", f"{ROOT}/Calls.json", data=CALL, auth=(ACCOUNT.sid, "x"))
    assert (wrong.status_code, body(wrong)["code"]) == (401, 20003)
    other = ROOT.replace(ACCOUNT.sid, "AC" + "0" * 32)
    elsewhere = http.request("POST", f"{other}/Calls.json", data=CALL, auth=AUTH)
    assert elsewhere.status_code == 404
    unknown = http.request("GET", f"{ROOT}/Calls/CA{'0' * 32}.json", auth=AUTH)
    assert (unknown.status_code, body(unknown)["code"]) == (404, 20404)


def test_calls_are_listed_in_pages(http: SimulatedTwilioHttp) -> None:
    for _ in range(3):
        http.request("POST", f"{ROOT}/Calls.json", data=CALL, auth=AUTH)
    first = body(http.request("GET", f"{ROOT}/Calls.json", params={"PageSize": 2}, auth=AUTH))
    assert set(first) == LIST_FIELDS | {"calls"}
    assert len(first["calls"]) == 2  # type: ignore[arg-type]
    assert first["next_page_uri"] == (
        f"/2010-04-01/Accounts/{ACCOUNT.sid}/Calls.json?PageSize=2&Page=1"
    )
    second = body(
        http.request("GET", "https://api.twilio.com" + str(first["next_page_uri"]), auth=AUTH)
    )
    assert len(second["calls"]) == 1 and second["next_page_uri"] is None  # type: ignore[arg-type]


def test_updating_a_call_posts_a_control(http: SimulatedTwilioHttp) -> None:
    sid = body(http.request("POST", f"{ROOT}/Calls.json", data=CALL, auth=AUTH))["sid"]
    http.book.drain()
    url = f"{ROOT}/Calls/{sid}.json"
    assert http.request("POST", url, data={"Status": "completed"}, auth=AUTH).status_code == 200
    assert http.request("POST", url, data={"Url": "https://app.example/b"}, auth=AUTH).ok
    assert http.request("POST", url, data={"Status": "ringing"}, auth=AUTH).status_code == 400
    assert http.book.drain() == [
        CallControl(str(sid), status=CallStatus.COMPLETED),
        CallControl(str(sid), url="https://app.example/b"),
    ]
    http.book.update_call(str(sid), lambda call: setattr(call, "status", CallStatus.COMPLETED))
    late = http.request("POST", url, data={"Status": "completed"}, auth=AUTH)
    assert (late.status_code, body(late)["code"]) == (400, 21220)


def test_messages_are_created_validated_and_fetched(http: SimulatedTwilioHttp) -> None:
    data = {"To": "+442079460321", "From": "+442079460001", "Body": "Hello"}
    created = http.request("POST", f"{ROOT}/Messages.json", data=data, auth=AUTH)
    message = body(created)
    assert created.status_code == 201 and set(message) == MESSAGE_FIELDS
    assert http.book.drain() == [NewMessage(str(message["sid"]))]
    fetched = http.request("GET", f"{ROOT}/Messages/{message['sid']}.json", auth=AUTH)
    assert body(fetched)["body"] == "Hello"
    for missing, code in (("To", 21604), ("From", 21603), ("Body", 21602)):
        partial = {key: value for key, value in data.items() if key != missing}
        refused = http.request("POST", f"{ROOT}/Messages.json", data=partial, auth=AUTH)
        assert (refused.status_code, body(refused)["code"]) == (400, code)


def test_unknown_methods_are_refused(http: SimulatedTwilioHttp) -> None:
    assert http.request("DELETE", f"{ROOT}/Calls.json", auth=AUTH).status_code == 405
