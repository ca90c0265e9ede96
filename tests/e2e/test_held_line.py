"""The one line: callers on hold and callbacks in one order, callers who hang up before the
bridge, a queue whose live callers another system serves."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store.held_line import HeldState
from callback.store.presence import AgentStatus
from callback.types import E164, AgentId, Channel, RequestId, State
from devtools.carrier import Agent
from scheduler.dispatch_rules import offer_for
from tests.e2e.conftest import CALLER, SERVICE, SUPPORT, World
from tests.e2e.held_support import (
    announced,
    dequeued,
    dequeues,
    held,
    offers,
    state,
    to_hold,
)

pytestmark = pytest.mark.anyio

ALICE = "client:alice"
FLEX = "client:flex-agent"
FLEX_TWIML = "<Response><Dial><Queue>support</Queue></Dial></Response>"
OTHER = "+442079460322"
WEB = E164("+442079460323")


def _web(world: World, number: E164 = WEB) -> RequestId:
    incoming = Incoming(ContextEntry(Channel.WEB, world.now, {}), virtual_start=world.now)
    return world.svc.store.enqueue(SUPPORT, number, incoming, world.now).request.id


async def test_callbacks_and_callers_on_hold_are_served_in_one_order(world: World) -> None:
    world.carrier.register(ALICE, Agent(talk_seconds=30))
    early = _web(world)  # asked on the web before the caller rang
    await world.carrier.run_for(1)
    call = await to_hold(world.carrier, CALLER)
    late = _web(world, E164("+442079460324"))  # asked while the caller held
    world.on_duty("alice")

    await world.dispatch()
    assert world.get(early).state is State.DIALING  # the callback ahead goes first
    assert dequeued(world) == [] and state(world, call) is HeldState.HOLDING

    world.svc.store.transition(early, State.CANCELLED, world.now, expected=State.DIALING)
    await world.carrier.run_for(120)
    await world.dispatch()  # alice is free again: the caller on hold is next, not `late`
    assert dequeued(world) == [call.sid]
    assert world.get(late).state is State.WAITING


async def test_a_caller_who_hung_up_after_the_claim_frees_the_agent_for_the_next(
    world: World,
) -> None:
    world.carrier.register(ALICE, Agent(talk_seconds=30))
    gone = await to_hold(world.carrier, CALLER)
    next_in_line = await to_hold(world.carrier, OTHER)
    world.on_duty("alice")
    offer = offer_for(world.svc.config.current, SUPPORT, AgentId("alice"), world.now)
    claim = world.svc.dispatcher.claims.offer(offer, world.now).held
    assert claim is not None and claim.caller.call_sid == gone.sid
    assert world.presence("alice") is AgentStatus.BUSY

    await gone.hang_up()  # between the claim and the dequeue
    assert world.svc.dispatcher.serve(claim, world.now) == next_in_line.sid
    await world.carrier.settle()
    assert dequeued(world) == [gone.sid, next_in_line.sid]
    assert [rest.status for rest in dequeues(world)] == [404, 200]  # gone, then served
    assert state(world, gone) is HeldState.ABANDONED
    assert [(agent, outcome) for _, agent, outcome in offers(world)] == [
        ("alice", "caller_gone"),
        ("alice", None),
    ]
    assert state(world, next_in_line) in (HeldState.CONNECTING, HeldState.BRIDGED)
    alice = world.svc.presence.get(AgentId("alice"))
    assert alice is not None and alice.status is AgentStatus.BUSY and alice.unanswered == 0


async def test_dequeue_of_a_caller_gone_from_the_queue_frees_the_agent(world: World) -> None:
    world.carrier.register(ALICE, Agent(talk_seconds=30))
    first = await to_hold(world.carrier, CALLER)
    second = await to_hold(world.carrier, OTHER)
    world.on_duty("alice")
    offer = offer_for(world.svc.config.current, SUPPORT, AgentId("alice"), world.now)
    claim = world.svc.dispatcher.claims.offer(offer, world.now).held
    assert claim is not None
    # Twilio no longer has the caller in that queue (the hang-up's webhook not yet here).
    stale = replace(claim.caller, queue_sid="QU" + "0" * 32)
    moved = replace(claim, caller=stale)
    assert world.svc.dispatcher.serve(moved, world.now) == second.sid
    assert [rest.status for rest in dequeues(world)] == [404, 200]
    assert state(world, first) is HeldState.ABANDONED
    assert state(world, second) is HeldState.OFFERED


async def test_hanging_up_on_hold_marks_the_place_abandoned(world: World) -> None:
    call = await to_hold(world.carrier, CALLER)
    await call.hang_up()
    await call.until_end()
    assert state(world, call) is HeldState.ABANDONED
    assert world.svc.held.held.holding(SUPPORT) == 0


class TestExternalLiveCallers:
    """With `live_callers = "external"` another system serves the Twilio queue."""

    @pytest.fixture
    def config_file(self, config_file: Path) -> Path:
        text = config_file.read_text(encoding="utf-8")
        edited = text.replace('live_callers = "holdless"', 'live_callers = "external"', 1)
        assert edited != text
        config_file.write_text(edited, encoding="utf-8")
        return config_file

    async def test_callers_on_hold_are_counted_but_never_dequeued(self, world: World) -> None:
        world.carrier.register(ALICE, Agent(talk_seconds=30))
        call = await to_hold(world.carrier, CALLER)
        request = _web(world, WEB)
        world.on_duty("alice")
        assert world.svc.held.held.holding(SUPPORT) == 1
        await world.dispatch()
        assert dequeues(world) == []
        assert world.get(request).state is State.DIALING  # alice takes the callback behind
        assert state(world, call) is HeldState.HOLDING
        assert held(world, call).fence == 0  # never claimed
        assert world.carrier.queue_sizes() == {"support": 1}

    @pytest.mark.parametrize("ends", ["agent", "caller"])
    async def test_a_caller_the_other_system_bridges_is_served_not_abandoned(
        self, world: World, ends: str
    ) -> None:
        flex = Agent(talk_seconds=60) if ends == "agent" else Agent(talk_seconds=600)
        world.carrier.register(FLEX, flex)
        call = await to_hold(world.carrier, CALLER)
        await world.carrier.run_for(40)
        joined = held(world, call).joined_at
        # The other system's agent takes the head of the Twilio queue, its own way.
        world.carrier.twilio_client().calls.create(to=FLEX, from_=SERVICE, twiml=FLEX_TWIML)
        await call.until(lambda: bool(call.heard("Connected")))
        bridged = world.now
        if ends == "caller":
            await world.carrier.run_for(60)
            await call.hang_up()
        await call.until_end()
        assert state(world, call) is HeldState.SERVED
        assert dequeues(world) == []
        [(outcome, ended)] = set(announced(world))  # every round's announcement, one ending
        assert outcome == "reached" and ended is not None
        # Reached when the bridge began (Twilio's QueueTime is in whole seconds).
        assert joined < ended <= bridged and bridged - ended < timedelta(seconds=1)
        assert world.svc.held.held.holding(SUPPORT) == 0


async def test_a_caller_who_hangs_up_while_the_agent_rings_frees_the_agent_unblamed(
    world: World,
) -> None:
    world.carrier.register(ALICE, Agent(ring_seconds=15, talk_seconds=30))
    gone = await to_hold(world.carrier, CALLER)
    next_in_line = await to_hold(world.carrier, OTHER)
    world.on_duty("alice")
    await world.dispatch()
    await gone.until(lambda: bool(gone.heard("Dial")))  # alice's phone rings
    await gone.hang_up()
    await gone.until_end()
    assert state(world, gone) is HeldState.ABANDONED
    assert [(agent, outcome) for _, agent, outcome in offers(world)] == [("alice", "caller_gone")]

    await world.dispatch()  # alice is free at once, not counted as missing an offer
    assert dequeued(world) == [gone.sid, next_in_line.sid]
    alice = world.svc.presence.get(AgentId("alice"))
    assert alice is not None and alice.unanswered == 0 and alice.status is AgentStatus.BUSY
    assert world.carrier.app_errors == []
