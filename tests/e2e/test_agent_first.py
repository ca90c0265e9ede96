"""Agent-first (the example's sales queue): the agent answers, hears the whisper, and the
customer is rung, greeted and bridged; the request completes and the agent wraps up."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store.presence import AgentStatus
from callback.types import E164, Channel, QueueName, State
from devtools.carrier import Agent, Person
from tests.e2e.conftest import CALLER, SERVICE, World

pytestmark = pytest.mark.anyio

SALES = QueueName("sales")
DAGUR = "client:dagur"


async def test_an_agent_first_callback_to_a_person_completes(world: World) -> None:
    world.carrier.register(DAGUR, Agent(talk_seconds=60))
    world.carrier.register(CALLER, Person())
    web = Incoming(ContextEntry(Channel.WEB, world.now, {"reason": "a quote"}), world.now)
    request = world.svc.store.enqueue(SALES, E164(CALLER), web, world.now).request
    world.on_duty("dagur")

    [sales, _] = await world.dispatch()
    [sid] = sales.placed
    [create] = world.carrier.records.rest
    assert (create.get("To"), create.get("From")) == (DAGUR, SERVICE)
    assert create.get("MachineDetection") is None  # an agent's line needs no detection
    assert create.get("Timeout") == "20"  # the agent's ring timeout

    agent = await world.carrier.outbound_call(sid)
    assert await agent.until_end() is CallStatus.COMPLETED
    assert [(h.verb, h.text) for h in agent.transcript][:4] == [
        ("Say", "Callback from the Sales queue. The customer has waited less than two minutes."),
        ("Say", "Reason: a quote."),
        ("Say", "Attempt 1 of 2."),
        ("Dial", CALLER),
    ]
    [customer] = agent.children()
    assert customer.status is CallStatus.COMPLETED
    assert customer.heard_text(since_input=False) == (
        "Hello, this is Example Energy returning your call. "
        "Please hold for a moment while we connect you to an agent."
    )
    assert [h.verb for h in customer.transcript][-2:] == ["Connected", "Hangup"]

    done = world.get(request.id)
    assert done.state is State.COMPLETED
    assert world.outcomes(request.id) == ["connected"]
    await world.dispatch()
    assert world.presence("dagur") is AgentStatus.WRAP_UP
