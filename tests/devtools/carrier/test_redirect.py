"""A live outbound call moved to new TwiML through the Calls API (what async AMD needs)."""

from __future__ import annotations

import threading

import pytest

from callback.carrier import AnsweredBy, CallStatus, TelephonyError
from callback.types import E164
from devtools.carrier import Carrier, Person, ScenarioError
from telephony import TwilioTelephony
from tests.carrier_support import BASE, SERVICE_NUMBER
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio

CUSTOMER = E164("+442079460321")


def menu_app(app: FakeApp) -> None:
    app.routes["/answer"] = twiml(
        '<Gather action="/choice" numDigits="1"><Say>This is Example Energy returning your'
        " call. Press 1 to be connected.</Say></Gather>",
        "<Hangup/>",
    )
    app.routes["/machine"] = twiml("<Say>We will try again later.</Say>", "<Hangup/>")


def phone(carrier: Carrier) -> TwilioTelephony:
    return TwilioTelephony(carrier.twilio_client())


async def _answered(app: FakeApp, carrier: Carrier) -> str:
    menu_app(app)
    carrier.register(CUSTOMER, Person(answered_by=AnsweredBy.MACHINE_START))
    sid = phone(carrier).place_call(
        to=CUSTOMER,
        from_=SERVICE_NUMBER,
        url=f"{BASE}/answer",
        status_callback=f"{BASE}/status",
        amd_callback=f"{BASE}/amd",
        timeout_s=25,
    )
    await carrier.run_until(lambda: bool(app.params("/amd")))
    return sid


async def test_a_redirect_cuts_the_document_short_and_plays_the_new_one(
    app: FakeApp, carrier: Carrier
) -> None:
    sid = await _answered(app, carrier)
    call = carrier.call(sid)
    phone(carrier).redirect_call(sid, url=f"{BASE}/machine")
    assert await call.until_end() is CallStatus.COMPLETED
    said = [heard.text for heard in call.heard("Say")]
    assert said == [
        "This is Example Energy returning your call. Press 1 to be connected.",
        "We will try again later.",
    ]
    [moved] = app.params("/machine")
    assert (moved["CallSid"], moved["CallStatus"]) == (sid, "in-progress")
    assert "Digits" not in moved  # a redirect is not an answer to the menu
    assert carrier.records.statuses("/status", sid)[-1] == "completed"


async def test_a_redirect_after_the_end_is_refused_as_twilio_does(
    app: FakeApp, carrier: Carrier
) -> None:
    sid = await _answered(app, carrier)
    await carrier.call(sid).until_end()
    with pytest.raises(TelephonyError) as caught:
        phone(carrier).redirect_call(sid, url=f"{BASE}/machine")
    assert caught.value.code == 21220  # "Call is not in-progress. Cannot redirect."
    assert app.params("/machine") == []


async def test_until_rest_waits_for_a_request_made_on_another_thread(
    app: FakeApp, carrier: Carrier
) -> None:
    sid = await _answered(app, carrier)
    worker = threading.Thread(
        target=phone(carrier).redirect_call, args=(sid,), kwargs={"url": f"{BASE}/machine"}
    )
    worker.start()
    found = await carrier.until_rest(lambda rest: rest.path.endswith(f"/Calls/{sid}.json"))
    worker.join()
    assert found.get("Url") == f"{BASE}/machine"
    with pytest.raises(ScenarioError, match="no matching REST request"):
        await carrier.until_rest(lambda rest: rest.method == "DELETE", real_s=0.01)
