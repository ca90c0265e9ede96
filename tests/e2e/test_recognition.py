"""A second call from a number with a pending callback: it is recognised; keep or cancel."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from callback.request import CallbackRequest
from callback.types import State
from devtools.carrier import CallHandle
from tests.e2e.conftest import CALLER, SERVICE, World
from tests.e2e.steps import book_callback, press_at_gather

pytestmark = pytest.mark.anyio

KEEP, CANCEL, WAIT = "1", "2", "3"
PENDING = (
    "You already have a callback booked with us. You are number 1 in line. "
    "We expect to call you back around 10:04. "  # the promise, rounded up to the minute
    "To keep it, press 1. To cancel it, press 2. To wait on the line instead, press 3."
)
GOODBYE = "Thank you for calling Example Energy. Goodbye."


async def _call_again(world: World, keys: str) -> tuple[CallHandle, CallbackRequest]:
    await book_callback(world.carrier)
    booked = world.request()
    await world.carrier.run_for(60)
    call = await world.carrier.incoming_call(from_=CALLER, to=SERVICE)
    assert await press_at_gather(call, keys) == PENDING
    return call, booked


async def test_the_caller_hears_their_pending_callback_and_keeps_it(world: World) -> None:
    call, booked = await _call_again(world, KEEP)
    assert await call.until_end() is CallStatus.COMPLETED
    assert call.heard_text() == f"Your callback stays booked. {GOODBYE}"
    kept = world.get(booked.id)
    assert kept.state is State.WAITING
    assert (kept.virtual_start, kept.promise) == (booked.virtual_start, booked.promise)
    assert len(world.notifier.sent) == 1  # no second confirmation


async def test_the_caller_cancels_and_nobody_is_dialled(world: World) -> None:
    call, booked = await _call_again(world, CANCEL)
    await call.until_end()
    assert call.heard_text() == f"Your callback has been cancelled. {GOODBYE}"
    assert world.get(booked.id).state is State.CANCELLED
    world.on_duty("alice")
    [_, support] = await world.dispatch()
    assert support.placed == ()
    assert world.carrier.records.rest == []


async def test_the_caller_waits_on_the_line_and_the_callback_stays(world: World) -> None:
    call, booked = await _call_again(world, WAIT)
    await call.until_gather()  # the hold round
    assert [h.text for h in call.heard("Enqueue")] == ["support"]
    assert world.get(booked.id).state is State.WAITING
