"""Number capture refusing two numbers: the caller is given a clear way out, nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callback.store.tables import REQUEST
from tests.e2e.conftest import World
from tests.e2e.steps import CALLBACK, press_at_gather, to_the_offer

pytestmark = pytest.mark.anyio

ANOTHER_NUMBER, HOLD = "2", "1"
ENTER = (
    "Please enter the phone number we should call, including the area code, "
    "then press the hash key."
)


def _requests(world: World) -> int:
    with world.svc.store.engine.connect() as connection:
        found: int = connection.execute(select(func.count()).select_from(REQUEST)).scalar_one()
    return found


async def test_two_refused_numbers_lead_to_the_way_out_and_no_request(world: World) -> None:
    call = await to_the_offer(world.carrier)
    await call.press(CALLBACK)
    await press_at_gather(call, ANOTHER_NUMBER)
    assert await press_at_gather(call, "12345#") == ENTER
    assert await press_at_gather(call, "999#") == (
        f"Sorry, that number seems to be incomplete or not valid. {ENTER}"
    )
    assert await press_at_gather(call, HOLD) == (
        "Sorry, we cannot call back emergency numbers or short codes. "
        "We are sorry, we could not take a number we can call. "
        "To wait on the line for the next agent, press 1. To leave us a message, press 2."
    )
    await call.until_gather()  # on hold now
    assert [h.text for h in call.heard("Enqueue")] == ["support"]
    assert _requests(world) == 0
    assert world.notifier.sent == []
