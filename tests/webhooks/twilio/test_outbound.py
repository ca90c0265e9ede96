"""The callback call: customer-first and agent-first answers, the bridge, the survey."""

from __future__ import annotations

from callback.types import State
from tests.webhooks.twilio.conftest import Twilio, action, dialling, find, says, verbs

SID = "CA" + "4" * 32


def _answer(request_id: int) -> str:
    return f"/twilio/ivr/answer?queue=support&lang=en&request={request_id}"


def test_a_person_hears_the_menu_and_is_bridged_to_the_agent_after_1(twilio: Twilio) -> None:
    claim = dialling(twilio, SID)
    menu = twilio.twiml(_answer(claim.request.id), CallSid=SID, AnsweredBy="human")
    assert "Example Energy" in says(menu)
    bridge = twilio.twiml(action(menu), CallSid=SID, Digits="1")
    client = find(bridge, "Dial/Client")
    assert client.text == "alice"
    assert client.attrib["url"].startswith("/twilio/ivr/whisper")
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.CONNECTED
    whisper = twilio.twiml(client.attrib["url"], CallSid=SID)
    assert "Customer support" in says(whisper)
    ended = twilio.twiml(action(bridge, "Dial"), CallSid=SID, DialCallStatus="completed")
    assert action(ended).startswith("/twilio/ivr/survey")  # the support queue asks
    thanks = twilio.twiml(action(ended), CallSid=SID, Digits="5")
    assert verbs(thanks)[-1] == "Hangup"
    rated = twilio.svc.store.get(claim.request.id)
    assert rated is not None and rated.contexts[-1].data == {"survey_rating": 5}


def test_an_answering_machine_hears_a_short_message_and_hangup(twilio: Twilio) -> None:
    claim = dialling(twilio, SID)
    message = twilio.twiml(_answer(claim.request.id), CallSid=SID, AnsweredBy="machine_end_beep")
    assert verbs(message) == ["Say", "Hangup"]
    assert "+44" not in says(message)
    twilio.post("/twilio/status", CallSid=SID, CallStatus="completed")
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.WAITING


def test_an_agent_who_does_not_answer_sends_the_request_back_in_line(twilio: Twilio) -> None:
    claim = dialling(twilio, SID)
    bridge = twilio.twiml(
        action(twilio.twiml(_answer(claim.request.id), CallSid=SID)), CallSid=SID, Digits="1"
    )
    ended = twilio.twiml(action(bridge, "Dial"), CallSid=SID, DialCallStatus="no-answer")
    assert verbs(ended) == ["Say", "Hangup"]
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.WAITING


def test_2_offers_another_time_and_books_it(twilio: Twilio) -> None:
    claim = dialling(twilio, SID)
    menu = twilio.twiml(_answer(claim.request.id), CallSid=SID)
    slots = twilio.twiml(action(menu), CallSid=SID, Digits="2")
    done = twilio.twiml(action(slots), CallSid=SID, Digits="1")
    assert "between" in says(done)
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.SCHEDULED and stored.slot is not None


def test_agent_first_briefs_the_agent_then_dials_the_customer(twilio: Twilio) -> None:
    claim = dialling(twilio, SID, queue="sales", agent="dagur")
    url = f"/twilio/ivr/answer?queue=sales&request={claim.request.id}"
    brief = twilio.twiml(url, CallSid=SID)
    assert find(brief, "Dial/Number").text == claim.request.number
    ended = twilio.twiml(action(brief, "Dial"), CallSid=SID, DialCallStatus="completed")
    assert verbs(ended) == ["Hangup"]
    twilio.post("/twilio/status", CallSid=SID, CallStatus="completed")
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.COMPLETED
