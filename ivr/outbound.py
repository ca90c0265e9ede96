"""The callback call: the customer's answer, the bridge to the agent, and what follows.

Customer-first: Twilio rings the customer; a person (or an undecided answer) hears
"this is <company> returning your call" and presses 1 to be connected or 2 to choose
another time; only then is the agent dialled, hearing the whisper (the `url` of the
Dial noun) before the two are bridged. An answering machine gets a short message with
no personal data. Agent-first: the agent answers, hears the whisper, and the customer
is dialled, hearing a short greeting before the bridge.

Agents are reached at their endpoint: an E.164 number (`<Number>`), a `sip:` URI
(`<Sip>`) or a `client:` identity (`<Client>`).
"""

from __future__ import annotations

from datetime import timedelta

from callback.carrier import is_machine
from ivr.call import QueueCall
from ivr.links import Step
from ivr.menu import goodbye, menu
from ivr.survey import survey as survey_document
from ivr.twiml import Document, EndpointKind, Party
from ivr.whisper import Briefing, brief

CONNECT_DIGIT = 1
"""The key that connects the customer to an agent now."""
RESCHEDULE_DIGIT = 2
"""The key that chooses another time."""
BRIDGED_STATUSES = frozenset({"completed", "answered"})
"""DialCallStatus values meaning the two parties were connected."""


def party(endpoint: str, url: str | None = None) -> Party:
    """The Dial noun for an agent endpoint: E.164 number, `sip:` URI or `client:` identity."""
    if endpoint.startswith("sip:"):
        return Party(EndpointKind.SIP, endpoint, url)
    if endpoint.startswith("client:"):
        return Party(EndpointKind.CLIENT, endpoint.removeprefix("client:"), url)
    return Party(EndpointKind.NUMBER, endpoint, url)


def _seconds(span: timedelta) -> int:
    return max(1, round(span.total_seconds()))


def answer_menu(call: QueueCall, *, request: int, attempt: int = 0) -> str:
    """ "This is <company> returning your call": 1 to be connected now, 2 for another time."""
    doc = Document()
    prompt = menu(doc, call, call.link(Step.ANSWER, attempt=attempt, request=request))
    prompt.say(call.speaker.line("callback_intro", company=call.company))
    prompt.say(call.speaker.line("callback_answer_menu"))
    return doc.xml()


def machine_message(call: QueueCall) -> str:
    """The message left on an answering machine: who called, no personal data; hang up."""
    doc = Document()
    doc.say(call.speaker.line("machine_message", company=call.company))
    doc.hangup()
    return doc.xml()


def answered(call: QueueCall, *, request: int, answered_by: str | None) -> str:
    """The customer's phone was answered: the menu for a person, the message for a machine."""
    if is_machine(answered_by):
        return machine_message(call)
    return answer_menu(call, request=request)


def bridge(call: QueueCall, *, request: int, agent: str, caller_id: str | None = None) -> str:
    """Customer-first, after "1": ring the agent, who hears the whisper before the bridge.

    The whisper link carries the customer's language; the route speaks the whisper in the
    queue's default language, the agents' (see `ivr.whisper`).
    """
    doc = Document()
    doc.say(call.speaker.line("connecting"))
    doc.dial(
        party(agent, call.url(Step.WHISPER, request=request)),
        action=call.url(Step.BRIDGED, request=request),
        timeout=_seconds(call.policy.agent_ring_timeout),
        caller_id=caller_id,
    )
    return doc.xml()


def agent_first(
    agent_call: QueueCall,
    *,
    request: int,
    briefing: Briefing,
    customer: str,
    caller_id: str,
) -> str:
    """Agent-first: the agent has answered; brief them, then ring the customer."""
    doc = Document()
    brief(doc, agent_call, briefing)
    doc.dial(
        party(customer, agent_call.url(Step.CUSTOMER, request=request)),
        action=agent_call.url(Step.BRIDGED, request=request),
        timeout=_seconds(agent_call.policy.ring_timeout),
        caller_id=caller_id,
    )
    return doc.xml()


def customer_greeting(call: QueueCall) -> str:
    """Agent-first: what the customer hears on answering, before the bridge.

    The link to this document carries the agent's language; the route builds it in the
    language stored on the request, which is the customer's.
    """
    doc = Document()
    doc.say(call.speaker.line("customer_callback_greeting", company=call.company))
    return doc.xml()


def customer_bridge_ended(call: QueueCall, *, request: int, dial_status: str, survey: bool) -> str:
    """Customer-first, after the agent leg: the survey or goodbye, or an apology if unbridged."""
    if dial_status in BRIDGED_STATUSES and survey:
        return survey_document(call, request=request)
    doc = Document()
    if dial_status in BRIDGED_STATUSES:
        goodbye(doc, call)
    else:
        doc.say(call.speaker.line("bridge_failed"))
        doc.hangup()
    return doc.xml()


def agent_bridge_ended(agent_call: QueueCall, *, dial_status: str) -> str:
    """Agent-first, after the customer leg: tell the agent if the customer was not reached."""
    doc = Document()
    if dial_status not in BRIDGED_STATUSES:
        doc.say(agent_call.speaker.line("customer_unreached"))
    doc.hangup()
    return doc.xml()
