"""The reason a caller picks in the IVR menu reaches the agent's whisper."""

from __future__ import annotations

import pytest

from devtools.carrier import Agent
from tests.e2e.conftest import World
from tests.e2e.steps import CALLBACK, book_callback, press_at_gather

pytestmark = pytest.mark.anyio


async def test_the_agent_hears_the_reason_chosen_in_the_ivr(world: World) -> None:
    world.carrier.register("client:alice", Agent())
    await book_callback(world.carrier)  # presses 1 at the reason menu: billing
    assert world.request().contexts[0].data.get("reason") == "billing"
    world.on_duty("alice")
    await world.dispatch()
    customer = await world.carrier.outbound_call()
    await press_at_gather(customer, CALLBACK)
    await customer.until_gather()
    [agent] = customer.children()
    assert "Reason: billing." in [h.text for h in agent.heard("Say")]
