"""`<Enqueue>`: wait in a simulated queue, looping the waitUrl, until leave, hang-up or an
agent's `<Dial><Queue>`; then the action receives QueueResult.

The waitUrl receives QueuePosition, QueueSid, QueueTime, AvgQueueTime and
CurrentQueueSize, and may use only Play, Say, Pause, Hangup, Redirect, Leave and
Gather. A document that runs out is fetched again, as Twilio loops it. Without a
waitUrl the caller hears hold music.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from devtools.carrier.context import Sim
from devtools.carrier.flow import (
    load,
    notify,
    pause,
    resolve,
    run_call,
    run_verb,
    take_interrupt,
    unsupported,
)
from devtools.carrier.leg import Dequeued, Ended, EndReason, Fetch, HungUp, Leg, Next, Redirected
from devtools.carrier.queues import Member, SimQueue
from devtools.carrier.records import DocContext
from devtools.carrier.resources import CallResource
from devtools.carrier.twiml import Verb

WAIT_VERBS = frozenset({"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"})
"""What Twilio allows in a waitUrl document."""


@dataclass(frozen=True, slots=True)
class QueueExit:
    """How the caller left the queue (the QueueResult) and where the call goes next, if
    not to the action: the end (hung up) or a REST redirect."""

    result: str
    follow: Fetch | Ended | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """One caller's place in one queue."""

    queue: SimQueue
    member: Member


async def enqueue(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Wait in the named queue, then post QueueResult, QueueSid and QueueTime to the action."""
    now = sim.clock.now()
    queue = sim.queues.get(verb.text)
    place = Place(queue, queue.join(leg, now))
    sim.book.update_call(leg.sid, partial(_enter, queue.sid, now))
    leg.hear(now, "Enqueue", queue.name)
    patience = leg.who.patience_s
    leg.gives_up_at = None if patience is None else now + timedelta(seconds=patience)
    try:
        left = await _wait(sim, leg, place, verb, url)
    finally:
        queue.remove(place.member, sim.clock.now())
        sim.book.update_call(leg.sid, _leave)
        leg.gives_up_at = None
    return await _after(sim, leg, place, verb, url, left)


def _enter(queue_sid: str, now: datetime, call: CallResource) -> None:
    call.queue_sid, call.enqueued = queue_sid, now


def _leave(call: CallResource) -> None:
    call.queue_sid = None


async def _after(sim: Sim, leg: Leg, place: Place, verb: Verb, url: str, left: QueueExit) -> Next:
    action = verb.attrs.get("action")
    if action is None:
        return left.follow
    params = {
        "QueueResult": left.result,
        "QueueSid": place.queue.sid,
        "QueueTime": str(place.member.waited(sim.clock.now())),
    }
    fetch = Fetch(resolve(url, action), verb.attr("method", "POST"), params)
    if left.follow is None:
        return fetch
    await notify(sim, leg, fetch)
    return left.follow


def _exit_now(leg: Leg, member: Member) -> QueueExit | None:
    if isinstance(leg.interrupt, HungUp):
        return QueueExit("hangup", take_interrupt(leg))
    if member.bridge is not None:
        return QueueExit("bridged")
    if isinstance(leg.interrupt, Redirected):
        return QueueExit("redirected", take_interrupt(leg))
    return None


async def _wait(sim: Sim, leg: Leg, place: Place, verb: Verb, url: str) -> QueueExit:
    wait_url = verb.attrs.get("waitUrl")
    wait = (
        None
        if wait_url is None
        else Fetch(resolve(url, wait_url), verb.attr("waitUrlMethod", "POST"))
    )
    left = _exit_now(leg, place.member)
    while left is None:
        if wait is None:
            leg.hear(sim.clock.now(), "Play", "hold music")
            await pause(sim, leg, sim.timing.hold_music_seconds)
            left = _exit_now(leg, place.member)
        else:
            before = sim.clock.now()
            left = await _wait_round(sim, leg, place, wait)
            if left is None and sim.clock.now() == before:
                # A wait document that takes no time would spin; Twilio's would too,
                # but the simulation must not.
                await pause(sim, leg, sim.timing.queue_poll_s)
    if left.result == "bridged":
        return await _bridged(sim, leg, place.member)
    bridge = place.member.bridge
    if bridge is not None:
        bridge.caller_gone = True
        bridge.dialer.alarm.ring()
    return left


def _queue_params(sim: Sim, place: Place) -> dict[str, str]:
    now = sim.clock.now()
    queue, member = place.queue, place.member
    return {
        "QueuePosition": str(queue.position(member)) if member in queue.members else "0",
        "QueueSid": queue.sid,
        "QueueTime": str(member.waited(now)),
        "AvgQueueTime": str(queue.average_wait(now)),
        "CurrentQueueSize": str(len(queue.members)),
    }


async def _wait_round(sim: Sim, leg: Leg, place: Place, wait: Fetch) -> QueueExit | None:
    step: Fetch | None = wait
    while step is not None:
        fetch = Fetch(step.url, step.method, {**step.params, **_queue_params(sim, place)})
        doc = await load(sim, leg, fetch, DocContext.WAIT)
        if isinstance(doc, Ended):
            return QueueExit("error", doc)
        after = await _run_wait_verbs(sim, leg, place.member, doc.verbs, doc.url)
        if isinstance(after, QueueExit):
            return after
        step = after
    return _exit_now(leg, place.member)


async def _run_wait_verbs(
    sim: Sim, leg: Leg, member: Member, verbs: tuple[Verb, ...], url: str
) -> QueueExit | Fetch | None:
    for verb in verbs:
        if verb.name == "Leave":
            leg.hear(sim.clock.now(), "Leave")
            return QueueExit("leave")
        if verb.name not in WAIT_VERBS:
            unsupported(sim, leg, verb)
            continue
        step = await run_verb(sim, leg, verb, url)
        left = _exit_now(leg, member)
        if left is not None:
            return left
        if isinstance(step, Ended):
            return QueueExit("hangup", step)
        if step is not None:
            return step
    return None


async def _bridged(sim: Sim, leg: Leg, member: Member) -> QueueExit:
    bridge = member.bridge
    assert bridge is not None
    if isinstance(leg.interrupt, Dequeued):
        leg.interrupt = None
    if bridge.url is not None:
        heard = await run_call(sim, leg, Fetch(bridge.url, bridge.method), DocContext.DEQUEUED)
        if heard.reason is not EndReason.DOCUMENT_DONE:
            bridge.caller_gone = True
            bridge.dialer.alarm.ring()
            return QueueExit("hangup", heard)
    bridge.connected = True
    leg.hear(sim.clock.now(), "Connected", bridge.dialer.to)
    bridge.dialer.alarm.ring()
    while not bridge.done and not leg.hung_up:
        await sim.clock.sleep(math.inf, leg.alarm)
    if bridge.ended_by_caller and not leg.hung_up:
        leg.interrupt = HungUp(by_party=True)
    if leg.hung_up:
        bridge.caller_gone = True
        bridge.dialer.alarm.ring()
        return QueueExit("bridged", take_interrupt(leg))
    leg.hear(sim.clock.now(), "Disconnected", bridge.dialer.to)
    return QueueExit("bridged")
