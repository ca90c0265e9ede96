"""Voicemail routes: a number first when the caller ID is unusable, a request or a kept message."""

from __future__ import annotations

from xml.etree import ElementTree

from callback.types import E164, QueueName
from tests.webhooks.twilio.conftest import CALLER, Twilio, action, find, says, verbs
from webhooks.twilio.voicemail import VOICEMAIL_NOTE

VOICEMAIL = "/twilio/ivr/voicemail?queue=support&lang=en"
HIDDEN = "anonymous"
KEYED = "02079460789"
KEYED_E164 = E164("+442079460789")
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
SMS = "Example Energy: we have your message and will call you back. Reply CANCEL to cancel."


def _recorded(twilio: Twilio, record: ElementTree.Element, caller: str) -> None:
    url = action(record, "Record")
    twilio.twiml(url, From=caller, RecordingUrl=RECORDING, RecordingDuration="9")


def _keyed_record(twilio: Twilio) -> ElementTree.Element:
    asked = twilio.twiml(VOICEMAIL, From=HIDDEN)
    readback = twilio.twiml(action(asked), From=HIDDEN, Digits=KEYED)
    assert "after=voicemail" in action(readback)
    return twilio.twiml(action(readback), From=HIDDEN, Digits="1")


def test_a_usable_caller_id_records_at_once(twilio: Twilio) -> None:
    record = twilio.twiml(VOICEMAIL)
    assert verbs(record)[:2] == ["Say", "Record"]
    assert "digits" not in action(record, "Record")
    _recorded(twilio, record, CALLER)
    request = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert request is not None and request.contexts[-1].data["recording_url"] == RECORDING
    assert twilio.notifier.sent == [(CALLER, SMS)]


def test_a_hidden_caller_id_is_asked_for_a_number_first(twilio: Twilio) -> None:
    asked = twilio.twiml(VOICEMAIL, From=HIDDEN)
    assert says(asked).startswith("We cannot see the number you are calling from.")
    assert action(asked).startswith("/twilio/ivr/number?")
    assert "after=voicemail" in action(asked)
    assert "Record" not in verbs(asked)


def test_a_keyed_number_becomes_the_request_of_the_message(twilio: Twilio) -> None:
    record = _keyed_record(twilio)
    assert f"digits={KEYED}" in action(record, "Record")
    _recorded(twilio, record, HIDDEN)
    request = twilio.svc.store.active_for(QueueName("support"), KEYED_E164)
    assert request is not None
    assert request.contexts[-1].data["source"] == "voicemail"
    assert twilio.notifier.sent == [(KEYED_E164, SMS)]
    transcription = find(record, "Record").attrib["transcribeCallback"]
    response = twilio.post(transcription, From=HIDDEN, TranscriptionText="It is about my bill")
    assert response.status_code == 204
    updated = twilio.svc.store.get(request.id)
    assert updated is not None
    assert updated.contexts[-1].data == {"transcription": "It is about my bill"}


def test_two_refused_numbers_still_take_the_message_without_a_request(twilio: Twilio) -> None:
    asked = twilio.twiml(VOICEMAIL, From=HIDDEN)
    again = twilio.twiml(action(asked), From=HIDDEN, Digits="")
    assert says(again).startswith("Sorry, we did not receive a number.")
    record = twilio.twiml(action(again), From=HIDDEN, Digits="12")
    assert "we can only call you back if you say your number in it" in says(record)
    assert "digits" not in action(record, "Record")
    _recorded(twilio, record, HIDDEN)
    assert twilio.svc.store.counts(twilio.clock()) == {}
    assert twilio.svc.calls.last_note(twilio.sid, VOICEMAIL_NOTE) == RECORDING
    assert twilio.notifier.sent == []


def test_a_number_refused_when_the_message_is_saved_gives_no_request(twilio: Twilio) -> None:
    blocked = "/twilio/ivr/recorded?queue=support&lang=en&digits=02079460999"
    saved = twilio.twiml(blocked, From=HIDDEN, RecordingUrl=RECORDING, RecordingDuration="3")
    assert "We have your message" in says(saved)
    assert twilio.svc.store.counts(twilio.clock()) == {}
    assert twilio.svc.calls.last_note(twilio.sid, VOICEMAIL_NOTE) == RECORDING


def test_key_2_on_the_way_out_records_without_asking_again(twilio: Twilio) -> None:
    record = twilio.twiml("/twilio/ivr/way-out?queue=support&lang=en", From=HIDDEN, Digits="2")
    assert verbs(record)[:2] == ["Say", "Record"]
