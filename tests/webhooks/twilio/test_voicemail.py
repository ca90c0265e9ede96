"""Voicemail routes: a number first when the caller ID is unusable, a request or a kept message."""

from __future__ import annotations

from xml.etree import ElementTree

from callback.store.voicemails import Voicemail
from callback.types import E164, QueueName
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.twilio.conftest import CALLER, Twilio, action, find, says, verbs

VOICEMAIL = "/twilio/ivr/voicemail?queue=support&lang=en"
HIDDEN = "anonymous"
KEYED = "02079460789"
KEYED_E164 = E164("+442079460789")
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
SMS = "Example Energy: we have your message and will call you back. Reply CANCEL to cancel."


def _recorded(twilio: Twilio, record: ElementTree.Element, caller: str) -> None:
    url = action(record, "Record")
    twilio.twiml(url, From=caller, RecordingUrl=RECORDING, RecordingDuration="9")


def _kept(twilio: Twilio) -> Voicemail:
    [kept] = twilio.svc.voicemails.unhandled(None, 10)
    return kept


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
    kept = _kept(twilio)
    assert (kept.call_sid, kept.queue, kept.language) == (twilio.sid, "support", "en")
    assert (kept.recording_url, kept.recording_seconds) == (RECORDING, 9)
    assert (kept.received_at, kept.transcription, kept.handled_at) == (MONDAY_10, None, None)
    assert twilio.notifier.sent == []
    transcription = find(record, "Record").attrib["transcribeCallback"]
    response = twilio.post(transcription, From=HIDDEN, TranscriptionText="Call me on 0207")
    assert response.status_code == 204
    assert _kept(twilio).transcription == "Call me on 0207"


def test_a_repeated_recording_webhook_keeps_one_message(twilio: Twilio) -> None:
    saved = "/twilio/ivr/recorded?queue=support&lang=en"
    for seconds in ("3", "4"):
        twilio.twiml(saved, From=HIDDEN, RecordingUrl=RECORDING, RecordingDuration=seconds)
    assert _kept(twilio).recording_seconds == 3


def test_a_message_keeps_the_language_of_the_call(twilio: Twilio) -> None:
    saved = "/twilio/ivr/recorded?queue=support&lang=ru"
    twilio.twiml(saved, From=HIDDEN, RecordingUrl=RECORDING, RecordingDuration="x")
    kept = _kept(twilio)
    assert (kept.language, kept.recording_seconds) == ("ru", 0)


def test_a_message_without_a_usable_recording_url_is_not_kept(twilio: Twilio) -> None:
    saved = "/twilio/ivr/recorded?queue=support&lang=en"
    answer = twilio.twiml(saved, From=HIDDEN, RecordingUrl="ftp://x", RecordingDuration="3")
    assert "We have your message" in says(answer)
    assert twilio.svc.voicemails.unhandled(None, 10) == []


def test_a_transcription_for_no_request_and_no_message_changes_nothing(twilio: Twilio) -> None:
    url = "/twilio/ivr/transcription?queue=support&lang=en"
    response = twilio.post(url, From=HIDDEN, TranscriptionText="Hello")
    assert response.status_code == 204
    assert twilio.svc.voicemails.unhandled(None, 10) == []


def test_a_number_refused_when_the_message_is_saved_gives_no_request(twilio: Twilio) -> None:
    blocked = "/twilio/ivr/recorded?queue=support&lang=en&digits=02079460999"
    saved = twilio.twiml(blocked, From=HIDDEN, RecordingUrl=RECORDING, RecordingDuration="3")
    assert "We have your message" in says(saved)
    assert twilio.svc.store.counts(twilio.clock()) == {}
    assert _kept(twilio).recording_url == RECORDING


def test_key_2_on_the_way_out_records_without_asking_again(twilio: Twilio) -> None:
    record = twilio.twiml("/twilio/ivr/way-out?queue=support&lang=en", From=HIDDEN, Digits="2")
    assert verbs(record)[:2] == ["Say", "Record"]
