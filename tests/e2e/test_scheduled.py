"""A scheduled callback: the caller picks a slot; it is dialled at the slot, not before."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from callback.request import Slot
from callback.types import State
from devtools.carrier import Agent
from tests.e2e.conftest import CALLER, MONDAY_10, World
from tests.e2e.steps import SCHEDULE, YES, press_at_gather, to_the_offer

pytestmark = pytest.mark.anyio

SLOT = Slot(MONDAY_10 + timedelta(hours=1), MONDAY_10 + timedelta(hours=1, minutes=30))
"""The second slot offered at 10:00 (London is on GMT in March)."""


async def _book_second_slot(world: World) -> None:
    call = await to_the_offer(world.carrier)
    assert "To choose a later time for your call, press 2." in call.heard_text()
    await call.press(SCHEDULE)
    offered = await press_at_gather(call, "2")
    assert offered.startswith("Please choose a time for us to call you back.")
    assert "To be called today between 10:30 and 11:00, press 1." in offered
    assert "To be called today between 11:00 and 11:30, press 2." in offered
    assert "number ending in 0 0 0 0" in await press_at_gather(call, YES)
    await call.until_end()
    assert call.heard_text() == (
        "Thank you. We will call you today between 11:00 and 11:30. "
        "Thank you for calling Example Energy. Goodbye."
    )


async def _run_to(world: World, moment: datetime) -> None:
    await world.carrier.run_for((moment - world.now).total_seconds())
    assert world.now == moment


async def test_a_scheduled_request_is_stored_with_its_slot(world: World) -> None:
    await _book_second_slot(world)
    request = world.request()
    assert request.state is State.SCHEDULED
    assert request.slot == SLOT
    assert request.virtual_start == MONDAY_10
    assert world.due_at(request.id) == SLOT.start
    assert world.svc.store.booked(request.queue, SLOT.start) == 1


async def test_the_dispatcher_waits_for_the_slot_then_dials(world: World) -> None:
    world.carrier.register("client:alice", Agent())
    await _book_second_slot(world)
    request = world.request()
    world.on_duty("alice")
    [_, before] = await world.dispatch()
    assert before.placed == ()
    await _run_to(world, SLOT.start - timedelta(seconds=1))
    [_, still] = await world.dispatch()
    assert still.placed == ()
    assert world.get(request.id).state is State.SCHEDULED

    await world.carrier.run_for(1)
    [_, due] = await world.dispatch()
    [sid] = due.placed
    customer = await world.carrier.outbound_call(sid)
    assert customer.status.value in {"queued", "ringing", "initiated"}
    [create] = [rest for rest in world.carrier.records.rest if rest.get("To") == CALLER]
    assert create.at == SLOT.start
    assert world.get(request.id).state is State.DIALING
