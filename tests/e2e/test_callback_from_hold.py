"""Hold, then a callback from hold: the request keeps the place the call had in line."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.types import E164, Channel, State
from tests.e2e.conftest import MONDAY_10, SUPPORT, World
from tests.e2e.steps import CALLBACK, YES, press_at_gather, to_the_offer

pytestmark = pytest.mark.anyio

WEB_CUSTOMER = E164("+442079460321")


async def test_a_caller_on_hold_presses_1_and_keeps_their_place(world: World) -> None:
    call = await to_the_offer(world.carrier)
    await call.stay_silent()  # no key at the offer: on hold
    await call.until_gather()  # the waitUrl's round: announcement, offer, music
    assert [h.text for h in call.heard("Enqueue")] == ["support"]
    assert world.svc.calls.on_hold(SUPPORT) == 1
    assert call.heard_text().startswith("Thank you for waiting. You are now number 1 in line.")
    assert "Press 1 and we will call you back without losing your place." in call.heard_text()

    # Someone asks on the web while the caller holds: they started waiting later.
    web = Incoming(ContextEntry(Channel.WEB, world.now, {}), virtual_start=world.now)
    later = world.svc.store.enqueue(SUPPORT, WEB_CUSTOMER, web, world.now).request
    await world.carrier.run_for(180)
    await call.until_gather()

    await call.press(CALLBACK)
    assert "number ending in 0 0 0 0" in await press_at_gather(call, YES)
    verbs = [h.verb for h in call.transcript]
    assert ("Keys", "Leave") in pairwise(verbs)  # out of the queue at once
    assert world.svc.calls.on_hold(SUPPORT) == 0
    await call.until_end()

    request = world.request()
    assert request.state is State.WAITING
    assert request.virtual_start == MONDAY_10  # when the call arrived, not when it left hold
    assert request.created_at - request.virtual_start > timedelta(minutes=3)
    ahead = world.svc.store.position(request.id, world.now)
    behind = world.svc.store.position(later.id, world.now)
    assert ahead is not None and behind is not None
    assert (ahead.number, behind.number) == (1, 2)
    assert "We will call you back in about" in call.heard_text()
    assert len(world.notifier.sent) == 1
