"""Closed hours (a Sunday): the next opening is announced; book a time or leave a message."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from callback.request import Slot
from callback.types import E164, State
from devtools.carrier import Agent, CallHandle
from tests.e2e.conftest import CALLER, SERVICE, SUNDAY_10, World
from tests.e2e.steps import CALLBACK, YES, press_at_gather

pytestmark = pytest.mark.anyio

BOOK, MESSAGE = "1", "2"
CLOSED = (
    "Thank you for calling Example Energy, the friendly energy people. "
    "Our lines are closed right now. We open again tomorrow at 08:00. "
    "To book a time for us to call you back, press 1. To leave us a message, press 2."
)
MONDAY_8 = SUNDAY_10 + timedelta(hours=22)
GOODBYE = "Thank you for calling Example Energy. Goodbye."


@pytest.fixture
def start() -> datetime:
    """Sunday 10:00 in London: the support queue is closed all day."""
    return SUNDAY_10


async def _closed_menu(world: World, keys: str) -> CallHandle:
    call = await world.carrier.incoming_call(from_=CALLER, to=SERVICE)
    assert await press_at_gather(call, keys) == CLOSED
    return call


async def test_a_caller_books_the_first_slot_of_the_next_opening(world: World) -> None:
    call = await _closed_menu(world, BOOK)
    offered = await press_at_gather(call, "1")
    assert offered.startswith(
        "Please choose a time for us to call you back. "
        "To be called tomorrow between 08:00 and 08:30, press 1."
    )
    await press_at_gather(call, YES)
    await call.until_end()
    assert call.heard_text() == (
        f"Thank you. We will call you tomorrow between 08:00 and 08:30. {GOODBYE}"
    )
    request = world.request()
    assert request.state is State.SCHEDULED
    assert request.slot == Slot(MONDAY_8, MONDAY_8 + timedelta(minutes=30))
    assert world.due_at(request.id) == MONDAY_8
    assert world.notifier.sent == [
        (
            CALLER,
            "Example Energy: we will call you back tomorrow between 08:00 and 08:30. "
            "Reply CANCEL to cancel.",
        )
    ]


async def test_a_voicemail_becomes_a_request_the_agent_hears_before_calling(
    world: World,
) -> None:
    world.carrier.register("client:alice", Agent())
    call = await _closed_menu(world, MESSAGE)
    await call.until_end()
    assert call.heard_text() == (
        "Please leave your name and a short message after the tone, then press the hash key. "
        f"Thank you. We have your message and will call you back. {GOODBYE}"
    )
    assert [h.text for h in call.heard("Record")] == ["Please call me back."]
    request = world.request()
    assert request.state is State.WAITING
    [recorded, transcribed] = [entry.data for entry in request.contexts]
    assert recorded["source"] == "voicemail"
    assert recorded["recording_seconds"] == 6
    url = str(recorded["recording_url"])
    assert url.startswith("https://api.twilio.com/2010-04-01/Accounts/")
    assert transcribed == {"transcription": "Please call me back."}
    # No time is promised for a message, but the caller is told it arrived.
    assert world.notifier.sent == [
        (
            CALLER,
            "Example Energy: we have your message and will call you back. Reply CANCEL to cancel.",
        )
    ]

    world.on_duty("alice")
    [_, sunday] = await world.dispatch()
    assert sunday.placed == ()
    await world.carrier.run_for((MONDAY_8 - world.now).total_seconds())
    [_, monday] = await world.dispatch()
    [sid] = monday.placed
    customer = await world.carrier.outbound_call(sid)
    await press_at_gather(customer, CALLBACK)
    await customer.until_gather()  # the survey, after the talk
    [agent] = customer.children()
    heard = [(h.verb, h.text) for h in agent.transcript]
    assert any(text.startswith("Details: Please call me back.") for _, text in heard)
    assert heard.index(("Say", "The customer left this message.")) + 1 == heard.index(("Play", url))


async def test_a_number_that_replied_stop_gets_no_confirmation(world: World) -> None:
    world.svc.calls.suppress(E164(CALLER), world.now)
    call = await _closed_menu(world, MESSAGE)
    await call.until_end()
    assert world.request().state is State.WAITING
    assert world.notifier.sent == []
