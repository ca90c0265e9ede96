"""Hostile bodies get TwiML or a 4xx, never a 5xx."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.links import Step
from tests.webhooks.twilio.conftest import Twilio, verbs

PATHS = [
    "/twilio/voice",
    "/twilio/status",
    "/twilio/sms",
    "/twilio/sms-status",
    "/twilio/fallback",
    *(f"/twilio/ivr/{step.value}?queue=support&lang=en&request=1" for step in Step),
]
NAMES = st.sampled_from(
    [
        "CallSid",
        "From",
        "To",
        "Digits",
        "CallStatus",
        "AnsweredBy",
        "QueuePosition",
        "QueueResult",
        "DialCallStatus",
        "RecordingUrl",
        "Body",
        "MessageSid",
        "MessageStatus",
    ]
)


def test_a_1_mb_body_is_refused_with_413(twilio: Twilio) -> None:
    response = twilio.raw("/twilio/voice", {"Body": "x" * 1_000_000})
    assert response.status_code == 413


def test_a_voice_webhook_without_any_field_still_answers_twiml(twilio: Twilio) -> None:
    response = twilio.raw("/twilio/voice", {})
    assert response.status_code == 200
    assert response.text.startswith("<?xml")


def test_an_unknown_step_or_a_broken_link_gets_the_apology(twilio: Twilio) -> None:
    for url in (
        "/twilio/ivr/nowhere",
        "/twilio/ivr/offer?queue=../../etc",
        "/twilio/ivr/offer?queue=gone",
    ):
        doc = twilio.twiml(url, Digits="1")
        assert verbs(doc) == ["Say", "Enqueue"]
        # Into a queue the config has (the first): nobody serves "gone" or "../etc".
        assert doc[1].text == "support"


def test_digits_that_are_not_digits_and_unicode_get_twiml(twilio: Twilio) -> None:
    for digits in ("١٢٣", "*#*", "1" * 500, "\u202e\u0000"):
        twilio.twiml("/twilio/ivr/number?queue=support&lang=en", Digits=digits)
        twilio.twiml("/twilio/ivr/offer?queue=support&lang=en", Digits=digits)


def test_a_status_without_call_sid_or_status_is_400(twilio: Twilio) -> None:
    assert twilio.raw("/twilio/status", {}).status_code == 400
    assert twilio.post("/twilio/status", CallStatus="exploded").status_code == 400
    assert twilio.post("/twilio/status", CallSid="../x", CallStatus="ringing").status_code == 400


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PATHS), form=st.dictionaries(NAMES, st.text(max_size=40), max_size=6))
def test_random_forms_never_get_a_5xx(twilio: Twilio, path: str, form: dict[str, str]) -> None:
    response = twilio.raw(path, form)
    assert response.status_code < 500
    if response.status_code == 200 and not path.startswith("/twilio/sms"):
        assert response.text.startswith("<?xml")


def test_a_status_callback_that_fails_inside_is_answered_204_not_5xx(twilio: Twilio) -> None:
    # The call tables vanish under the running app: every store call now fails.
    with twilio.svc.store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE call_event")
        connection.exec_driver_sql("DROP TABLE phone_call")
    response = twilio.post("/twilio/status", CallStatus="completed")
    assert response.status_code == 204
    voice = twilio.post("/twilio/voice", CallStatus="ringing")
    assert voice.status_code == 200
    assert "<Enqueue" in voice.text


def test_a_failure_on_an_outbound_leg_answers_what_that_leg_may_play(twilio: Twilio) -> None:
    # The database is gone under the running app: every step below fails inside.
    with twilio.svc.store.engine.begin() as connection:
        for table in ("call_event", "phone_call", "dial_attempt", "callback_request"):
            connection.exec_driver_sql(f"DROP TABLE {table}")
    link = "queue=support&lang=en&request=1"
    # A whisper or the customer's greeting in a <Dial> noun: empty, so the two are bridged.
    assert verbs(twilio.twiml(f"/twilio/ivr/whisper?{link}")) == []
    assert verbs(twilio.twiml(f"/twilio/ivr/customer?{link}")) == []
    # The hold music's waitUrl: music, then Twilio asks again; the caller keeps their place.
    assert verbs(twilio.twiml(f"/twilio/ivr/hold-wait?{link}", QueuePosition="3")) == ["Play"]
    # After the conversation: the call ends.
    assert verbs(twilio.twiml(f"/twilio/ivr/bridged?{link}", DialCallStatus="completed")) == [
        "Hangup"
    ]
    assert verbs(twilio.twiml(f"/twilio/ivr/survey?{link}", Digits="5")) == ["Hangup"]
    # A customer answering their callback is apologised to and queued for a live agent.
    assert verbs(twilio.twiml(f"/twilio/ivr/answer?{link}")) == ["Say", "Enqueue"]
