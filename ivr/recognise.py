"""A caller whose number already has a pending callback: keep it, cancel it, or wait on the line."""

from __future__ import annotations

from datetime import datetime

from callback.ordering import Position
from callback.request import CallbackRequest
from ivr.call import QueueCall
from ivr.hold import position_lines
from ivr.links import Step
from ivr.menu import goodbye, menu
from ivr.spoken import clock, round_to_five
from ivr.twiml import Document

KEEP_DIGIT = 1
"""Keep the booked callback."""
CANCEL_DIGIT = 2
"""Cancel the booked callback."""
WAIT_DIGIT = 3
"""Wait on the line instead."""


def expected_call(request: CallbackRequest, now: datetime) -> datetime | None:
    """When the caller was told to expect the call, if that is still ahead of `now`.

    The expected time (announcement plus expected wait, to five minutes) is what "around"
    means; once it has passed, the promised latest time is used while it lies ahead.
    """
    promise = request.promise
    if promise is None:
        return None
    expected = round_to_five(promise.announced_at + promise.wait)
    if expected > now:
        return expected
    return promise.by if promise.by > now else None


def recognised(
    call: QueueCall,
    *,
    now: datetime,
    request: CallbackRequest,
    position: Position | None,
    attempt: int = 0,
) -> str:
    """ "You already have a callback booked ... around 14:40": keep, cancel, or wait."""
    doc = Document()
    prompt = menu(doc, call, call.link(Step.RECOGNISED, attempt=attempt, request=request.id))
    prompt.say(call.speaker.line("recognised_intro"))
    if request.slot is not None:
        window = call.speaker.window(request.slot.start, request.slot.end, now, call.zone)
        prompt.say(call.speaker.line("recognised_slot", **window))
    else:
        if position is not None:
            prompt.says(position_lines(call.speaker, position))
        expected = expected_call(request, now)
        if expected is not None:
            prompt.say(call.speaker.line("recognised_around", time=clock(expected, call.zone)))
    prompt.say(call.speaker.line("recognised_choices"))
    return doc.xml()


def kept(call: QueueCall) -> str:
    """The callback stays booked; goodbye."""
    doc = Document()
    doc.say(call.speaker.line("recognised_kept"))
    goodbye(doc, call)
    return doc.xml()


def cancelled(call: QueueCall) -> str:
    """The callback is cancelled; goodbye."""
    doc = Document()
    doc.say(call.speaker.line("recognised_cancelled"))
    goodbye(doc, call)
    return doc.xml()
