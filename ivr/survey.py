"""The post-call survey: "rate this call from 1 to 5", then thanks."""

from __future__ import annotations

from ivr.call import QueueCall
from ivr.links import Step
from ivr.menu import menu
from ivr.twiml import Document

RATINGS = range(1, 6)
"""The ratings a caller can key."""


def survey(call: QueueCall, *, request: int, attempt: int = 0) -> str:
    """Ask for a rating by one key; silence comes back to the survey step."""
    doc = Document()
    prompt = menu(doc, call, call.link(Step.SURVEY, attempt=attempt, request=request))
    prompt.say(call.speaker.line("survey_prompt"))
    return doc.xml()


def rating(digits: str) -> int | None:
    """The rating keyed, or None for anything but one key from 1 to 5."""
    if len(digits) == 1 and "0" <= digits <= "9" and int(digits) in RATINGS:
        return int(digits)
    return None


def survey_done(call: QueueCall) -> str:
    """Thanks for the rating; hang up."""
    doc = Document()
    doc.say(call.speaker.line("survey_thanks"))
    doc.hangup()
    return doc.xml()
