"""A caller on hold meets an agent: the connect step's `<Dial>`, the whisper, the way back.

The dispatcher takes the chosen caller out of Twilio's queue by CallSid; the caller's call
then runs the connect step, which rings the agent's endpoint with a whisper (the `url` of
the Dial noun) and reports the Dial's end to the connected step. An agent who does not
answer sends the caller back into `<Enqueue>`: Twilio puts them at the back of its FIFO,
but Holdless serves by its own line, where they kept their place.
"""

from __future__ import annotations

from datetime import timedelta

from ivr.call import QueueCall
from ivr.hold import enqueue
from ivr.links import Link, Step
from ivr.outbound import party
from ivr.twiml import Document


def _link(call: QueueCall, step: Step, held_id: int, fence: int) -> str:
    return call.links.url(Link(step, call.queue, call.language, request=held_id, fence=fence))


def connect(
    call: QueueCall, *, agent: str, held_id: int, fence: int, whisper_call: QueueCall
) -> str:
    """Ring the agent, who hears the whisper (in the agents' language) before the bridge."""
    doc = Document()
    doc.say(call.speaker.line("connecting"))
    timeout = max(1, round(call.policy.agent_ring_timeout.total_seconds()))
    whisper = _link(whisper_call, Step.LIVE_WHISPER, held_id, fence)
    doc.dial(
        party(agent, whisper),
        action=_link(call, Step.CONNECTED, held_id, fence),
        timeout=timeout,
    )
    return doc.xml()


def whisper(call: QueueCall, *, waited: timedelta, reason: str | None) -> str:
    """What the agent hears before a caller on hold is put through."""
    doc = Document()
    speaker = call.speaker
    doc.say(speaker.waited("live_whisper", call.display_name, waited))
    if reason:
        doc.say(speaker.line("whisper_reason", reason=reason))
    return doc.xml()


def put_back(call: QueueCall) -> str:
    """The agent did not answer: back on hold, with the same place in our line."""
    doc = Document()
    doc.say(call.speaker.line("put_back"))
    enqueue(doc, call)
    return doc.xml()


def back_on_hold(call: QueueCall) -> str:
    """A connect step for a claim that moved on: the caller simply goes on holding."""
    doc = Document()
    enqueue(doc, call)
    return doc.xml()


def decline() -> str:
    """On the agent's leg, for a claim that moved on: hanging up declines the bridge."""
    doc = Document()
    doc.hangup()
    return doc.xml()
