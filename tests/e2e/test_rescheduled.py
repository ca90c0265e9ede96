"""A customer called back who asks for a later time is not apologised to for the old wait.

The booking promised a call within minutes; when the call comes the customer presses 2 and
picks a slot. The reschedule withdraws that promise in its own transaction, so the promise
check, run once the old time has passed, finds nothing broken and texts no apology.
"""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from callback.service.promises import recover_broken
from callback.store.events import EventStore
from callback.types import State
from devtools.carrier import Agent, Person
from tests.e2e.conftest import CALLER, World
from tests.e2e.steps import book_callback

pytestmark = pytest.mark.anyio

RESCHEDULE, FIRST_SLOT = "2", "1"


async def test_a_customer_who_asks_for_later_on_the_call_gets_no_apology(world: World) -> None:
    world.carrier.register("client:alice", Agent(talk_seconds=60))
    await book_callback(world.carrier)
    booked = world.request()
    assert booked.promise is not None
    world.carrier.register(CALLER, Person(keys=(RESCHEDULE, FIRST_SLOT)))
    world.on_duty("alice")
    await world.dispatch()
    callback = await world.carrier.outbound_call()
    assert await callback.until_end() is CallStatus.COMPLETED
    moved = world.get(booked.id)
    assert moved.state is State.SCHEDULED and moved.slot is not None
    assert moved.slot.start > booked.promise.by and moved.promise is None

    await world.carrier.run_for((booked.promise.by - world.now).total_seconds() + 60)
    config, events = world.svc.config.current, EventStore(world.svc.store.engine)
    assert recover_broken(config, events, world.svc.calls, world.notifier, world.now) == 0
    texts = [body for to, body in world.notifier.sent if to == CALLER]
    assert texts and not [body for body in texts if "sorry" in body]
