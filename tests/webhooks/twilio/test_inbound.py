"""Inbound flows end to end through signed webhooks: menus, offer, hold, capture, booking."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from callback.service.ports import SmsAbout
from callback.store.request_sms import SmsKind
from callback.types import E164, QueueName, RequestId, State
from tests.webhooks.twilio.conftest import (
    CALLER,
    Twilio,
    action,
    find,
    says,
    verbs,
    waiting_request,
)


@pytest.fixture(autouse=True)
def always_offer(config_file: Path) -> None:
    """Offer a callback whatever the wait, so that every path can be reached."""
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace('offer_threshold = "2m"', 'offer_threshold = "0s"'))


def _to_offer(twilio: Twilio) -> str:
    """Call in, choose English and billing; the URL the callback offer posts to."""
    welcome = twilio.twiml("/twilio/voice")
    assert "Example Energy" in says(welcome)
    reasons = twilio.twiml(action(welcome), Digits="1")
    standing = twilio.twiml(action(reasons), Digits="1")
    assert verbs(standing) == ["Gather", "Enqueue"]
    assert find(standing, "Enqueue").text == "support"
    return action(standing)


def _stored(twilio: Twilio) -> object:
    request = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert request is not None
    return request


def test_the_welcome_offers_the_languages_of_the_queue(twilio: Twilio) -> None:
    welcome = twilio.twiml("/twilio/voice")
    assert verbs(welcome) == ["Say", "Gather", "Redirect"]
    assert action(welcome).startswith("/twilio/ivr/language?queue=support")
    languages = {node.attrib["language"] for node in find(welcome, "Gather").iter("Say")}
    assert languages == {"en-GB", "ru-RU"}


def test_callback_from_the_menu_books_on_the_caller_id_with_a_promise(twilio: Twilio) -> None:
    confirm = twilio.twiml(_to_offer(twilio), Digits="1")
    assert action(confirm).startswith("/twilio/ivr/caller-id")
    assert "0 4 5 6" in says(confirm)
    done = twilio.twiml(action(confirm), Digits="1")
    assert verbs(done)[-1] == "Hangup"
    request = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert request is not None
    assert request.virtual_start == twilio.clock()
    assert request.promise is not None and request.promise.announced_at == twilio.clock()
    assert request.language == "en"
    assert twilio.notifier.sent and twilio.notifier.sent[0][0] == CALLER
    assert twilio.notifier.about == [SmsAbout(request.id, SmsKind.CONFIRMATION)]


def test_callback_from_hold_keeps_the_original_place(twilio: Twilio) -> None:
    arrived = twilio.clock()
    twilio.post(_to_offer(twilio), Digits="9")  # any other key: hold
    twilio.clock.advance(timedelta(minutes=7))
    hold_round = "/twilio/ivr/hold-wait?queue=support&lang=en"
    wait = twilio.twiml(hold_round, QueuePosition="3", QueueSid="QU" + "0" * 32)
    assert twilio.svc.calls.on_hold(QueueName("support")) == 1
    # Our line's place, not Twilio's QueuePosition: nobody else waits.
    assert "number 1 in line" in says(wait)
    assert verbs(twilio.twiml(action(wait), Digits="1")) == ["Leave"]
    result = "/twilio/ivr/queue-result?queue=support&lang=en"
    confirm = twilio.twiml(result, QueueResult="leave")
    assert twilio.svc.calls.on_hold(QueueName("support")) == 0
    twilio.twiml(action(confirm), Digits="1")
    request = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert request is not None and request.virtual_start == arrived


def test_a_scheduled_callback_books_the_chosen_slot(twilio: Twilio) -> None:
    slots = twilio.twiml(_to_offer(twilio), Digits="2")
    assert action(slots).startswith("/twilio/ivr/slot?")
    confirm = twilio.twiml(action(slots), Digits="1")
    done = twilio.twiml(action(confirm), Digits="1")
    assert "between" in says(done)
    request = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert request is not None and request.slot is not None
    assert request.state is State.SCHEDULED
    assert request.slot.start > twilio.clock()


def test_a_hidden_caller_id_keys_a_number_and_two_refusals_give_a_way_out(twilio: Twilio) -> None:
    offer = _to_offer(twilio)
    ask = twilio.twiml(offer, Digits="1", From="anonymous")
    gather = find(ask, "Gather")
    assert gather.attrib["finishOnKey"] == "#" and "numDigits" not in gather.attrib
    again = twilio.twiml(action(ask), Digits="999#", From="anonymous")
    assert "Gather" in verbs(again)
    out = twilio.twiml(action(again), Digits="12", From="anonymous")
    assert verbs(out)[-1] == "Enqueue"
    assert action(out).startswith("/twilio/ivr/way-out")
    record = twilio.twiml(action(out), Digits="2", From="anonymous")
    assert "Record" in verbs(record)


def test_a_keyed_number_is_read_back_and_confirmed(twilio: Twilio) -> None:
    ask = twilio.twiml(_to_offer(twilio), Digits="1", From="")
    readback = twilio.twiml(action(ask), Digits="02079460789#", From="")
    assert "digits=02079460789" in action(readback)
    twilio.twiml(action(readback), Digits="1", From="")
    stored = twilio.svc.store.active_for(QueueName("support"), E164("+442079460789"))
    assert stored is not None


@pytest.mark.parametrize(("key", "state"), [("1", State.WAITING), ("2", State.CANCELLED)])
def test_a_pending_callback_is_recognised_kept_or_cancelled(
    twilio: Twilio, key: str, state: State
) -> None:
    request_id = waiting_request(twilio)
    menu = twilio.twiml("/twilio/voice")
    assert action(menu).startswith("/twilio/ivr/recognised")
    twilio.twiml(action(menu), Digits=key)
    stored = twilio.svc.store.get(RequestId(request_id))
    assert stored is not None and stored.state is state


def test_a_recognised_caller_may_wait_on_the_line(twilio: Twilio) -> None:
    waiting_request(twilio)
    menu = twilio.twiml("/twilio/voice")
    assert verbs(twilio.twiml(action(menu), Digits="3")) == ["Enqueue"]


def test_closed_hours_offer_slots_and_a_voicemail_that_becomes_a_request(twilio: Twilio) -> None:
    twilio.clock.advance(timedelta(days=6))  # Sunday: the support queue is closed
    closed = twilio.twiml("/twilio/voice")
    assert action(closed).startswith("/twilio/ivr/closed")
    to_voicemail = twilio.twiml(action(closed), Digits="2")
    record = twilio.twiml(find(to_voicemail, "Redirect").text or "")
    recorded = action(record, "Record")
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    twilio.twiml(recorded, RecordingUrl=url, RecordingDuration="14")
    request = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert request is not None
    assert request.contexts[-1].data["recording_url"] == url
    transcription = find(record, "Record").attrib["transcribeCallback"]
    assert twilio.post(transcription, TranscriptionText="Please call").status_code == 204
    updated = twilio.svc.store.get(request.id)
    assert updated is not None and updated.contexts[-1].data["transcription"] == "Please call"


def test_calls_arriving_at_once_are_each_stored_and_answered(twilio: Twilio) -> None:
    waiting_request(twilio)  # for CALLER: the one caller who is recognised
    callers = [CALLER, *(f"+4420794605{n:02d}" for n in range(7))]

    def call(n: int) -> str:
        menu = twilio.twiml("/twilio/voice", CallSid=f"CA{n:032x}", From=callers[n])
        return action(menu)

    with ThreadPoolExecutor(max_workers=len(callers)) as pool:
        answers = list(pool.map(call, range(len(callers))))
    assert answers[0].startswith("/twilio/ivr/recognised")
    assert not any(a.startswith("/twilio/ivr/recognised") for a in answers[1:])
    assert all(twilio.svc.calls.get(f"CA{n:032x}") is not None for n in range(len(callers)))
