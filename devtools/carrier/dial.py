"""`<Dial>`: ring a Number, Sip or Client endpoint (with its whisper `url` on the answering
leg) or take the first caller waiting in a Queue; then post DialCallStatus, DialCallSid and
DialCallDuration to the action.

Only the first noun is dialled (Twilio rings up to ten at once). In a conversation
between an agent and a customer the agent hangs up; the other party's call carries on
with the action's TwiML. A whisper that hangs up declines the call, which is reported as
not answered. For a Queue noun, the `url` document is played to the dequeued caller, as
Twilio does, before the two are connected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from callback.carrier import CallStatus, Direction
from devtools.carrier.context import Sim
from devtools.carrier.flow import notify, pause, resolve, ring, run_call, unsupported
from devtools.carrier.leg import Dequeued, EndReason, Fetch, HungUp, Leg, Next
from devtools.carrier.profiles import ends_conversation
from devtools.carrier.queues import Bridge, Member, SimQueue
from devtools.carrier.records import DocContext
from devtools.carrier.twiml import Verb

NOUNS = ("Number", "Sip", "Client", "Queue")
DEFAULT_DIAL_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class DialResult:
    """How the dialled call went, and whether the dialling party's call is over too."""

    status: str
    child_sid: str | None = None
    duration: int | None = None
    dialer_done: bool = False


def _noun(verb: Verb) -> Verb | None:
    found = next((child for child in verb.children if child.name in NOUNS), None)
    if found is None and verb.text:
        return Verb("Number", verb.text)
    return found


def address(noun: Verb) -> str:
    """The endpoint a noun rings, as it appears in the leg's `To`."""
    if noun.name != "Client":
        return noun.text
    identity = next((child.text for child in noun.children if child.name == "Identity"), "")
    return "client:" + (identity or noun.text)


async def dial(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Dial the first noun and continue with the action (or the next verb)."""
    noun = _noun(verb)
    if noun is None:
        return unsupported(sim, leg, verb)
    timeout = verb.number("timeout", DEFAULT_DIAL_TIMEOUT)
    if noun.name == "Queue":
        result = await _dial_queue(sim, leg, noun, timeout, url)
    else:
        caller_id = verb.attrs.get("callerId") or leg.from_
        result = await _dial_party(sim, leg, noun, (timeout, caller_id), url)
    return await _after(sim, leg, verb, url, result)


async def _after(sim: Sim, leg: Leg, verb: Verb, url: str, result: DialResult) -> Next:
    params = {"DialCallStatus": result.status}
    if result.child_sid is not None:
        params["DialCallSid"] = result.child_sid
    if result.duration is not None:
        params["DialCallDuration"] = str(result.duration)
    action = verb.attrs.get("action")
    fetch = (
        None if action is None else Fetch(resolve(url, action), verb.attr("method", "POST"), params)
    )
    if not result.dialer_done:
        return fetch
    if not leg.hung_up:
        leg.interrupt = HungUp(by_party=True)
    if fetch is not None:
        await notify(sim, leg, fetch)
    return None


async def _dial_party(
    sim: Sim, leg: Leg, noun: Verb, dialling: tuple[float, str], url: str
) -> DialResult:
    timeout, caller_id = dialling
    to = address(noun)
    who = sim.directory.lookup(to)
    child = sim.new_leg(
        to=to, from_=caller_id, direction=Direction.OUTBOUND_DIAL, who=who, parent=leg
    )
    leg.hear(sim.clock.now(), "Dial", to)
    sim.set_status(child, CallStatus.RINGING)
    unanswered = await ring(sim, leg, child.who, timeout)
    if unanswered is not None:
        sim.set_status(child, unanswered)
        return DialResult(str(unanswered), child.sid, dialer_done=leg.hung_up)
    sim.set_status(child, CallStatus.IN_PROGRESS)
    whisper = noun.attrs.get("url")
    if whisper:
        fetch = Fetch(resolve(url, whisper), noun.attr("method", "POST"))
        heard = await run_call(sim, child, fetch, DocContext.WHISPER)
        if heard.reason is not EndReason.DOCUMENT_DONE:
            sim.set_status(child, CallStatus.COMPLETED)
            return DialResult(str(CallStatus.NO_ANSWER), child.sid, dialer_done=leg.hung_up)
    return await _converse(sim, leg, child)


async def _converse(sim: Sim, leg: Leg, child: Leg) -> DialResult:
    started = sim.clock.now()
    leg.hear(started, "Connected", child.to)
    child.hear(started, "Connected", leg.from_)
    dialer_ends = ends_conversation(leg.who, child.who)
    talk = (leg.who if dialer_ends else child.who).talk_seconds
    child.talking_to = leg
    while not (child.hung_up or leg.hung_up):
        left = talk - (sim.clock.now() - started).total_seconds()
        if left <= 0:
            break
        if await pause(sim, leg, left):
            break  # redirected or dequeued mid-call: the Dial ends, as Twilio ends it
    child.talking_to = None
    seconds = int((sim.clock.now() - started).total_seconds())
    child.hear(sim.clock.now(), "Hangup")
    sim.set_status(child, CallStatus.COMPLETED)
    dialer_done = leg.hung_up or (dialer_ends and not child.hung_up)
    return DialResult("completed", child.sid, seconds, dialer_done=dialer_done)


async def _first_caller(sim: Sim, leg: Leg, queue: SimQueue, timeout: float) -> Member | None:
    waited = 0.0
    while (member := queue.next_waiting()) is None and waited < timeout:
        if await pause(sim, leg, sim.timing.queue_poll_s):
            return None
        waited += sim.timing.queue_poll_s
    return member


async def _dial_queue(sim: Sim, leg: Leg, noun: Verb, timeout: float, url: str) -> DialResult:
    queue = sim.queues.get(noun.text)
    leg.hear(sim.clock.now(), "Dial", f"queue {queue.name}")
    member = await _first_caller(sim, leg, queue, timeout)
    if member is None:
        status = CallStatus.CANCELED if leg.hung_up else CallStatus.NO_ANSWER
        return DialResult(str(status), dialer_done=leg.hung_up)
    whisper = noun.attrs.get("url")
    bridge = Bridge(
        dialer=leg,
        url=None if whisper is None else resolve(url, whisper),
        method=noun.attr("method", "POST"),
    )
    member.bridge = bridge
    queue.remove(member, sim.clock.now())
    member.leg.interrupt_with(Dequeued())
    while not (bridge.connected or bridge.caller_gone or leg.hung_up):
        await sim.clock.sleep(math.inf, leg.alarm)
    if not bridge.connected:
        bridge.done = True
        member.leg.alarm.ring()
        return DialResult(str(CallStatus.NO_ANSWER), member.leg.sid, dialer_done=leg.hung_up)
    return await _talk_to_caller(sim, leg, bridge, member.leg)


async def _talk_to_caller(sim: Sim, leg: Leg, bridge: Bridge, caller: Leg) -> DialResult:
    started = sim.clock.now()
    leg.hear(started, "Connected", caller.from_)
    dialer_ends = ends_conversation(leg.who, caller.who)
    talk = (leg.who if dialer_ends else caller.who).talk_seconds
    while not (bridge.caller_gone or leg.hung_up):
        left = talk - (sim.clock.now() - started).total_seconds()
        if left <= 0:
            break
        if await pause(sim, leg, left):
            break  # redirected or dequeued mid-call: the Dial ends, as Twilio ends it
    seconds = int((sim.clock.now() - started).total_seconds())
    bridge.ended_by_caller = not dialer_ends and not bridge.caller_gone and not leg.hung_up
    bridge.done = True
    caller.alarm.ring()
    dialer_done = leg.hung_up or (dialer_ends and not bridge.caller_gone)
    return DialResult("completed", caller.sid, seconds, dialer_done=dialer_done)
