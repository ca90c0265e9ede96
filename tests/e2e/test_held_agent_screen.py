"""A caller on hold offered to an agent: the connect step notes who they are for the agent's
screen (masked number, earlier requests from that number), never the number itself."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from callback.carrier import CallStatus
from callback.request import ContextEntry
from callback.store.agent_screen import AgentScreenStore
from callback.store.held_history import HELD_CALLER_NOTE
from callback.store.wrap_up import OfferKind
from callback.types import E164, AgentId, Channel, QueueName, State
from devtools.carrier import Agent
from tests.callback.store.support import incoming
from tests.e2e.conftest import CALLER, World
from tests.e2e.held_support import held, to_hold

pytestmark = pytest.mark.anyio


async def test_the_agent_sees_the_held_caller_s_masked_number_and_earlier_requests(
    world: World,
) -> None:
    store = world.svc.store
    earlier = store.enqueue(QueueName("sales"), E164(CALLER), incoming(0), world.now).request
    store.add_context(earlier.id, ContextEntry(Channel.WEB, world.now, {"x": 1}), world.now)
    store.transition(earlier.id, State.CANCELLED, world.now)
    world.carrier.register("client:alice", Agent(talk_seconds=30))
    call = await to_hold(world.carrier, CALLER)
    await world.carrier.run_for(60)
    world.on_duty("alice")
    await world.dispatch()
    await world.carrier.run_for(5)  # the connect step runs; alice's phone rings

    party = AgentScreenStore(store.engine).party(AgentId("alice"))
    assert party is not None and party.held is not None
    assert party.offer.kind is OfferKind.HELD and party.offer.subject == held(world, call).id
    assert party.held.number == "+44 ******* 00"
    assert [item.id for item in party.earlier] == [earlier.id]
    assert await call.until_end() is CallStatus.COMPLETED
    with store.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("held_caller_note")}
        rows = connection.execute(select(HELD_CALLER_NOTE)).mappings().all()
    assert "number" not in columns
    assert [(r["masked"], r["earlier"]) for r in rows] == [("+44 ******* 00", [earlier.id])]
    assert CALLER not in str(rows)
    assert world.carrier.app_errors == []
