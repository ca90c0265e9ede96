"""Every IVR step answers TwiML that is valid where it runs, whatever Twilio posts to it."""

from __future__ import annotations

import itertools

import pytest

from devtools.carrier import DocContext
from ivr.links import Step
from tests.twiml_lint import lint
from tests.webhooks.twilio.conftest import Twilio

CONTEXTS = {
    Step.HOLD_WAIT: DocContext.WAIT,
    Step.HOLD_KEY: DocContext.WAIT,
    Step.WHISPER: DocContext.WHISPER,
    Step.CUSTOMER: DocContext.WHISPER,
}
FORMS: list[dict[str, str]] = [
    {},
    {"Digits": "1"},
    {"Digits": "2"},
    {"Digits": "3"},
    {"Digits": "9"},
    {"Digits": "02079460999"},
    {"QueueResult": "leave", "QueuePosition": "2"},
    {"QueueResult": "hangup"},
    {"DialCallStatus": "completed"},
    {"DialCallStatus": "no-answer"},
    {"RecordingUrl": "https://api.twilio.com/r/RE1", "RecordingDuration": "5"},
    {"AnsweredBy": "machine_start"},
]
LINKS = [
    "queue=support&lang=en&request=1",
    "queue=sales&lang=fa",
    "queue=support&lang=ru&digits=02079460999&after=slots&attempt=2",
    "queue=gone&lang=en",
    "lang=zz",
]


@pytest.mark.parametrize("step", list(Step))
def test_each_step_answers_twiml_valid_for_its_context(twilio: Twilio, step: Step) -> None:
    context = CONTEXTS.get(step, DocContext.CALL)
    for form, link in itertools.product(FORMS, LINKS):
        response = twilio.post(f"/twilio/ivr/{step.value}?{link}", **form)
        if response.status_code == 204:
            continue  # a callback step (recording, transcription): no TwiML runs
        assert response.status_code == 200
        assert lint(response.text, context) == [], (link, form)
