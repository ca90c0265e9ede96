"""Customer-first callbacks that do not reach a person: machine, busy, no answer, silence.

Each goes back in line with the retry policy's backoff (the example: 5 minutes after the
first attempt), is never completed, and leaves the agent available at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from callback.carrier import AnsweredBy, CallStatus
from callback.request import CallbackRequest
from callback.store.presence import AgentStatus
from callback.types import State
from devtools.carrier import CallHandle, Person
from tests.e2e.conftest import CALLER, World
from tests.e2e.steps import book_callback

pytestmark = pytest.mark.anyio

BACKOFF = timedelta(minutes=5)
"""The example's first backoff."""
MENU = (
    "Hello, this is Example Energy returning your call. "
    "To be connected now, press 1. To choose another time, press 2."
)
MACHINE_MESSAGE = (
    "Hello, this is Example Energy returning your call. "
    "We will try again later, so there is no need to call us back."
)


async def _call_back(world: World, customer: Person) -> tuple[CallbackRequest, CallHandle]:
    await book_callback(world.carrier)
    world.carrier.register(CALLER, customer)  # who picks up when we call back
    world.on_duty("alice")
    [_, support] = await world.dispatch()
    [sid] = support.placed
    return world.request(), await world.carrier.outbound_call(sid)


def _ended_at(world: World, call: CallHandle) -> datetime:
    [final] = [
        hook
        for hook in world.carrier.records.webhooks_to("/twilio/status", call.sid)
        if hook.params.get("CallStatus") in {"completed", "busy", "no-answer"}
    ]
    return final.at


async def _assert_retry(world: World, request: CallbackRequest, ended: datetime) -> None:
    again = world.get(request.id)
    assert again.state is State.WAITING
    assert again.attempts == 1
    assert world.due_at(request.id) == ended + BACKOFF
    await world.dispatch()  # follows the ended call in presence; not due yet: no dial
    assert world.presence("alice") is AgentStatus.AVAILABLE
    assert len([rest for rest in world.carrier.records.rest if rest.get("To") == CALLER]) == 1


async def test_an_answering_machine_gets_the_message_and_a_retry(world: World) -> None:
    request, call = await _call_back(world, Person(answered_by=AnsweredBy.MACHINE_START))
    assert await call.until_end() is CallStatus.COMPLETED
    assert call.answered_by is AnsweredBy.MACHINE_START
    said = call.heard_text(since_input=False)
    assert said.endswith(MACHINE_MESSAGE)
    assert CALLER not in said and "0 0 0 0" not in said  # no personal data on a machine
    assert world.outcomes(request.id) == ["machine"]
    await _assert_retry(world, request, _ended_at(world, call))
    assert world.get(request.id).state is not State.COMPLETED


async def test_a_busy_line_is_retried_after_the_backoff(world: World) -> None:
    request, call = await _call_back(world, Person(busy=True))
    assert await call.until_end() is CallStatus.BUSY
    assert world.outcomes(request.id) == ["busy"]
    await _assert_retry(world, request, _ended_at(world, call))


async def test_no_answer_is_retried_after_the_backoff(world: World) -> None:
    request, call = await _call_back(world, Person(answer_probability=0.0))
    assert await call.until_end() is CallStatus.NO_ANSWER
    assert world.outcomes(request.id) == ["no_answer"]
    ended = _ended_at(world, call)
    assert ended - world.carrier.records.rest[-1].at == timedelta(seconds=30)  # ring_timeout
    await _assert_retry(world, request, ended)


async def test_a_person_who_presses_nothing_hears_the_menu_twice_then_goodbye(
    world: World,
) -> None:
    request, call = await _call_back(world, Person())
    await call.until_gather()
    assert call.heard_text() == MENU
    await call.stay_silent()
    await call.until_gather()
    assert call.heard_text() == f"Sorry, we did not catch that. {MENU}"
    await call.stay_silent()
    assert await call.until_end(limit_s=60) is CallStatus.COMPLETED
    assert call.heard_text() == "Thank you for calling Example Energy. Goodbye."
    assert world.outcomes(request.id) == ["declined"]
    assert world.get(request.id).state is not State.COMPLETED
