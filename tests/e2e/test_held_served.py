"""Callers on hold are served by the dispatcher: the chosen caller is taken out of Twilio's
queue by CallSid, runs the connect step, and the agent hears the whisper before the bridge."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from callback.store.held_line import HeldState
from callback.store.presence import AgentStatus
from callback.types import AgentId
from devtools.carrier import Agent
from tests.e2e.conftest import CALLER, World
from tests.e2e.held_support import dequeued, dequeues, held, offers, state, to_hold

pytestmark = pytest.mark.anyio

ALICE = "client:alice"
BORIS = "sip:boris@pbx.example.com"
OTHER = "+442079460322"


async def test_a_caller_on_hold_is_connected_to_an_agent_who_hears_the_whisper(
    world: World,
) -> None:
    world.carrier.register(ALICE, Agent(talk_seconds=60))
    call = await to_hold(world.carrier, CALLER)
    assert state(world, call) is HeldState.HOLDING
    await world.carrier.run_for(150)
    world.on_duty("alice")

    [_, support] = await world.dispatch()
    assert support.placed == (call.sid,)
    [member] = dequeues(world)
    assert member.method == "POST" and member.status == 200
    url = member.get("Url") or ""
    assert "/twilio/ivr/connect?" in url and f"request={held(world, call).id}" in url
    assert world.presence("alice") is AgentStatus.BUSY

    assert await call.until_end() is CallStatus.COMPLETED
    [agent] = call.children()
    assert agent.heard_text(since_input=False).startswith(
        "Caller on hold in the Customer support queue. They have waited 4 minutes. Reason: billing."
    )
    verbs = [(h.verb, h.text) for h in call.transcript]
    assert ("Dial", ALICE) in verbs and ("Connected", ALICE) in verbs
    assert "Connecting you now." in call.heard_text(since_input=False)
    assert state(world, call) is HeldState.SERVED
    assert offers(world) == [(held(world, call).id, "alice", "connected")]
    await world.dispatch()
    assert world.presence("alice") is AgentStatus.WRAP_UP
    assert dequeued(world) == [call.sid]  # served once, never dequeued again
    assert world.carrier.app_errors == []


async def test_an_unanswered_agent_puts_the_caller_back_at_their_place_not_twilios(
    world: World,
) -> None:
    world.carrier.register(ALICE, Agent(ring_seconds=60))  # rings out: no answer
    world.carrier.register(BORIS, Agent(talk_seconds=30))
    first = await to_hold(world.carrier, CALLER)
    second = await to_hold(world.carrier, OTHER)
    place = held(world, first)
    world.on_duty("alice")

    await world.dispatch()
    assert dequeued(world) == [first.sid]
    await first.until_heard("You keep your place in line.")
    await first.until_gather()  # back in the hold queue, behind the second caller at Twilio
    assert [h.text for h in first.heard("Enqueue")] == ["support", "support"]
    back = held(world, first)
    assert back.state is HeldState.HOLDING
    assert (back.id, back.virtual_start) == (place.id, place.virtual_start)
    assert offers(world) == [(place.id, "alice", "agent_unavailable")]
    await world.dispatch()  # presence follows the unanswered offer
    alice = world.svc.presence.get(AgentId("alice"))
    assert alice is not None and alice.unanswered == 1

    world.carrier.register(ALICE, Agent(talk_seconds=30))
    world.on_duty("boris")
    await world.dispatch()
    # The head of Twilio's queue is the second caller; the line's head is still the first.
    assert dequeued(world)[:2] == [first.sid, first.sid]
    assert state(world, first) in (HeldState.CONNECTING, HeldState.BRIDGED)
    assert await first.until_end() is CallStatus.COMPLETED
    assert state(world, first) is HeldState.SERVED
    assert state(world, second) in (HeldState.CONNECTING, HeldState.BRIDGED, HeldState.SERVED)
    assert len(set(dequeued(world))) == 2
    assert world.carrier.app_errors == []
