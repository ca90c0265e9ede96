"""SMS both ways: delivery callbacks for sent messages, and replies to incoming ones."""

from __future__ import annotations

import pytest

from callback.carrier import MessageStatus
from callback.types import E164
from devtools.carrier import Carrier, Person
from telephony import TwilioTelephony
from tests.carrier_support import BASE, CALLER, SERVICE_NUMBER
from tests.scheduler.fakeapp import FakeApp

pytestmark = pytest.mark.anyio


async def _send(carrier: Carrier) -> str:
    return TwilioTelephony(carrier.twilio_client()).send_sms(
        to=E164(CALLER), from_=SERVICE_NUMBER, body="Call back at 14:40",
        status_callback=f"{BASE}/sms-status",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("result", "error"),
    [(MessageStatus.DELIVERED, None), (MessageStatus.UNDELIVERED, "30003")],
)
async def test_delivery_is_reported(
    app: FakeApp, carrier: Carrier, result: MessageStatus, error: str | None
) -> None:
    carrier.register(CALLER, Person(sms_result=result))
    sid = await _send(carrier)
    await carrier.run_for(5)
    reports = app.params("/sms-status")
    assert [r["MessageStatus"] for r in reports] == ["sent", result]
    assert {r["MessageSid"] for r in reports} == {sid}
    assert reports[-1].get("ErrorCode") == error
    message = carrier.twilio_client().messages(sid).fetch()
    assert message.status == result


async def test_an_incoming_sms_gets_the_apps_reply(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/sms"] = (
        "<Response><Message>Your callback is cancelled.</Message>"
        "<Message><Body>Reply 1 to book again.</Body></Message></Response>"
    )
    reply = await carrier.incoming_sms(from_=CALLER, to=SERVICE_NUMBER, body="CANCEL")
    assert reply.status == 200
    assert reply.messages == ("Your callback is cancelled.", "Reply 1 to book again.")
    [received] = app.params("/sms")
    assert (received["Body"], received["From"], received["To"]) == (
        "CANCEL",
        CALLER,
        SERVICE_NUMBER,
    )
    assert received["MessageSid"].startswith("SM")
