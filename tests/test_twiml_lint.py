"""The TwiML linter finds what Twilio would refuse, and what the IVR answers passes it."""

from __future__ import annotations

import pytest

from devtools.carrier import DocContext
from ivr.apology import after_failure
from ivr.links import Step
from tests.twiml_lint import lint, vocabulary

OK = '<?xml version="1.0" encoding="UTF-8"?><Response>{}</Response>'
NOUN_URL = {Step.WHISPER: DocContext.WHISPER, Step.CUSTOMER: DocContext.WHISPER}
WAITING = {Step.HOLD_WAIT: DocContext.WAIT, Step.HOLD_KEY: DocContext.WAIT}


def test_the_vocabulary_is_the_twilio_librarys() -> None:
    words = vocabulary()
    assert words.children["Gather"] == {"Say", "Play", "Pause"}
    assert {"Number", "Client", "Sip", "Queue"} <= words.children["Dial"]
    assert {"Enqueue", "Leave", "Gather", "Dial"} <= words.children["Response"]
    assert {"waitUrl", "waitUrlMethod", "action"} <= words.attributes[("Response", "Enqueue")]


@pytest.mark.parametrize(
    ("body", "context", "problem"),
    [
        ('<Enqueue waitUrl="/w">q</Enqueue>', DocContext.WAIT, "<Enqueue> is not allowed"),
        ("<Dial><Number>+1</Number></Dial>", DocContext.WAIT, "<Dial> is not allowed"),
        ("<Gather>x</Gather>", DocContext.DEQUEUED, "<Gather> is not allowed"),
        ("<Record />", DocContext.WHISPER, "<Record> is not allowed"),
        ('<Gather action="/a"><Dial>1</Dial></Gather>', DocContext.CALL, "may not be nested"),
        ("<Say><Play>u</Play></Say>", DocContext.CALL, "may not be nested"),
        ("<Dial><Say>hi</Say></Dial>", DocContext.CALL, "may not be nested"),
        ("<Wait />", DocContext.CALL, "<Wait> may not be nested in <Response>"),
        ('<Say lang="en">hi</Say>', DocContext.CALL, "no attribute lang"),
        ('<Gather numDigits="1" action="/a" method="PUT" />', DocContext.CALL, "GET or POST"),
        ("<Redirect />", DocContext.CALL, "<Redirect> is empty"),
        ("<Play />", DocContext.CALL, "neither a URL nor digits"),
        ("<Leave />", DocContext.CALL, "<Leave> outside a waitUrl"),
        ("<Hangup /><Say>bye</Say>", DocContext.CALL, "never run"),
    ],
)
def test_each_kind_of_mistake_is_found(body: str, context: DocContext, problem: str) -> None:
    found = lint(OK.format(body), context)
    assert any(problem in line for line in found), found


def test_a_document_that_is_not_twiml_is_found() -> None:
    assert lint("<Reply />") == ["the root is <Reply>, not <Response>"]
    assert lint("<Response>")[0].startswith("not well-formed")
    assert lint('<!DOCTYPE x [<!ENTITY a "b">]><Response />') == ["a DTD or entity declaration"]


def test_a_hold_round_passes_in_its_waiturl() -> None:
    body = OK.format(
        '<Gather action="/k" input="dtmf" method="POST" numDigits="1" timeout="2">'
        '<Say language="en-GB">Thank you</Say><Play>https://m/x.mp3</Play></Gather>'
        '<Redirect method="POST">/w</Redirect>'
    )
    assert lint(body, DocContext.WAIT) == []


@pytest.mark.parametrize("step", [None, *Step])
def test_every_answer_after_a_failure_is_valid_where_it_runs(step: Step | None) -> None:
    context = NOUN_URL.get(step, WAITING.get(step, DocContext.CALL))  # type: ignore[arg-type]
    assert lint(after_failure(step, "support"), context) == []
