"""The confirmation SMS of a scheduled callback: the chosen time, in the caller's language."""

from __future__ import annotations

import pytest

from callback.types import E164, State
from tests.e2e.conftest import CALLER, SERVICE, World
from tests.e2e.steps import BILLING, SCHEDULE, YES, press_at_gather

pytestmark = pytest.mark.anyio

RUSSIAN = "2"
SECOND_SLOT = "2"


async def _schedule_in(world: World, language: str) -> None:
    call = await world.carrier.incoming_call(from_=CALLER, to=SERVICE)
    await press_at_gather(call, language)
    await press_at_gather(call, BILLING)
    await press_at_gather(call, SCHEDULE)
    await press_at_gather(call, SECOND_SLOT)
    await press_at_gather(call, YES)
    await call.until_end()
    assert world.request().state is State.SCHEDULED


async def test_the_chosen_time_is_texted_in_the_callers_language(world: World) -> None:
    await _schedule_in(world, RUSSIAN)
    assert world.request().language == "ru"
    # Monday 10:00 in London (GMT): the second slot offered is 11:00 to 11:30 local time.
    assert world.notifier.sent == [
        (
            CALLER,
            "Example Energy: мы перезвоним вам сегодня с 11:00 до 11:30. "
            "Для отмены ответьте CANCEL.",
        )
    ]


async def test_cancel_by_sms_after_the_scheduled_confirmation(world: World) -> None:
    await _schedule_in(world, "1")
    [(to, text)] = world.notifier.sent
    assert (to, text) == (
        CALLER,
        "Example Energy: we will call you back today between 11:00 and 11:30. "
        "Reply CANCEL to cancel.",
    )
    request = world.request()
    reply = await world.carrier.incoming_sms(from_=CALLER, to=SERVICE, body="CANCEL")
    assert reply.messages == ("Example Energy: your callback request has been cancelled.",)
    assert world.get(request.id).state is State.CANCELLED


async def test_a_suppressed_number_books_a_time_but_gets_no_text(world: World) -> None:
    world.svc.calls.suppress(E164(CALLER), world.now)
    await _schedule_in(world, "1")
    assert world.notifier.sent == []
