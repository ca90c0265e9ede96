"""`<Record>`: the action, the recording status callback and the transcription."""

from __future__ import annotations

import pytest

from devtools.carrier import Carrier, Person
from tests.carrier_support import ACCOUNT, CALLER, SERVICE_NUMBER
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio

RECORD = twiml(
    "<Say>Leave a message after the tone.</Say>"
    '<Record action="/recorded" maxLength="60" finishOnKey="#" playBeep="true"'
    ' recordingStatusCallback="/recording-status" transcribe="true"'
    ' transcribeCallback="/transcribed"/>'
)


def record_app(app: FakeApp) -> None:
    app.routes["/voice"] = RECORD
    app.routes["/recorded"] = twiml("<Say>Thank you, goodbye.</Say><Hangup/>")


async def test_record_posts_the_recording_to_the_action(app: FakeApp, carrier: Carrier) -> None:
    record_app(app)
    who = Person(message="My boiler is broken, please call back.", message_seconds=12)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER, who=who)
    await call.until_end()
    await carrier.run_for(10)
    [recorded] = app.params("/recorded")
    assert recorded["RecordingDuration"] == "12"
    assert recorded["Digits"] == "#"
    assert recorded["RecordingUrl"].startswith(
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT.sid}/Recordings/RE"
    )
    assert [h.verb for h in call.transcript][:3] == ["Say", "Beep", "Record"]
    assert call.heard_text(since_input=False).endswith("Thank you, goodbye.")
    [status] = app.params("/recording-status")
    assert status["RecordingStatus"] == "completed"
    assert status["RecordingSid"] == recorded["RecordingSid"]
    assert status["CallSid"] == call.sid
    [text] = app.params("/transcribed")
    assert text["TranscriptionText"] == "My boiler is broken, please call back."
    assert text["TranscriptionStatus"] == "completed"
    assert text["RecordingUrl"] == recorded["RecordingUrl"]


async def test_max_length_cuts_the_message(app: FakeApp, carrier: Carrier) -> None:
    record_app(app)
    who = Person(message_seconds=300)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER, who=who)
    await call.until_end()
    assert app.params("/recorded")[0]["RecordingDuration"] == "60"


async def test_a_caller_hanging_up_after_the_message_sends_digits_hangup(
    app: FakeApp, carrier: Carrier
) -> None:
    record_app(app)
    who = Person(message_seconds=8, hangs_up_after_message=True)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER, who=who)
    await call.until_end()
    assert app.params("/recorded")[0]["Digits"] == "hangup"
    assert "Thank you" not in call.heard_text(since_input=False)
