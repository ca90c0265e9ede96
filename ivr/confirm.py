"""The callback promise: what the caller hears once booked, and the record of what was said."""

from __future__ import annotations

from callback.estimate import Estimate
from ivr.call import QueueCall
from ivr.menu import goodbye
from ivr.spoken import about_minutes, clock
from ivr.twiml import Document


def callback_confirmed(call: QueueCall, *, estimate: Estimate) -> str:
    """ "We will call you back in about 12 minutes, by 14:40", then goodbye."""
    doc = Document()
    minutes = about_minutes(estimate.wait)
    by = clock(estimate.by, call.zone)
    doc.say(call.speaker.line("callback_confirmed", minutes=minutes, time=by))
    goodbye(doc, call)
    return doc.xml()


def farewell(call: QueueCall) -> str:
    """Goodbye: the default of a menu whose only way on is to end the call."""
    doc = Document()
    goodbye(doc, call)
    return doc.xml()
