"""A number is booked at most `per_number_per_day` times a day, whichever calls present it:
the fourth caller with that caller ID is told no callback can be arranged and waits instead,
and nothing more is texted to the number."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from callback.types import E164, State
from tests.e2e.conftest import CALLER, SERVICE, SUPPORT, World
from tests.e2e.steps import CALLBACK, YES, book_callback, press_at_gather, to_the_offer

pytestmark = pytest.mark.anyio

HOLD = "1"


async def _book_and_cancel(world: World) -> None:
    await book_callback(world.carrier)
    assert world.request().state is State.WAITING
    reply = await world.carrier.incoming_sms(from_=CALLER, to=SERVICE, body="CANCEL")
    assert reply.status == 200


async def test_the_fourth_booking_of_a_day_is_refused_and_the_caller_may_hold(
    world: World,
) -> None:
    for _ in range(3):
        await _book_and_cancel(world)
    assert len(world.notifier.sent) == 3  # the three confirmations
    call = await to_the_offer(world.carrier)
    await call.press(CALLBACK)
    assert "number ending in 0 0 0 0" in await press_at_gather(call, YES)
    assert await press_at_gather(call, HOLD) == (
        "Sorry, we cannot arrange a callback to that number just now. "
        "To wait on the line for the next agent, press 1. To leave us a message, press 2."
    )
    await call.until_gather()  # the hold music's menu: the caller waits in the live queue
    assert [h.text for h in call.heard("Enqueue")] == ["support"]
    assert call.status is CallStatus.IN_PROGRESS
    assert world.svc.store.active_for(SUPPORT, E164(CALLER)) is None
    assert len(world.notifier.sent) == 3
