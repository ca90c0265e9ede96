"""Asynchronous AMD: a machine is moved from the menu to the machine message at the verdict.

Twilio fetches the answer URL as soon as the call is answered, while detection listens
(3 s in the simulation, while the first line is still being spoken). The verdict
"machine" makes the app redirect the live call through the Calls API; a person's call
is left alone.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from callback.carrier import AnsweredBy, CallStatus
from callback.types import State
from devtools.carrier import CallHandle, Person
from tests.e2e.conftest import CALLER, PUBLIC, World
from tests.e2e.steps import book_callback

pytestmark = pytest.mark.anyio

INTRO = "Hello, this is Example Energy returning your call."
MENU = "To be connected now, press 1. To choose another time, press 2."
MACHINE_MESSAGE = f"{INTRO} We will try again later, so there is no need to call us back."
BACKOFF = timedelta(minutes=5)


async def _call_back(world: World, customer: Person) -> CallHandle:
    await book_callback(world.carrier)
    world.carrier.register(CALLER, customer)
    world.on_duty("alice")
    [_, support] = await world.dispatch()
    [sid] = support.placed
    return await world.carrier.outbound_call(sid)


def _verdict_sent(world: World, call: CallHandle) -> bool:
    hooks = world.carrier.records.webhooks_to("/twilio/status", call.sid)
    return any("AnsweredBy" in hook.params for hook in hooks)


@pytest.mark.parametrize("machine", [AnsweredBy.MACHINE_START, AnsweredBy.FAX])
async def test_a_machine_hears_the_machine_message_instead_of_the_menu(
    world: World, machine: AnsweredBy
) -> None:
    call = await _call_back(world, Person(answered_by=machine))
    request = world.request()
    await world.carrier.run_until(lambda: _verdict_sent(world, call))
    update = await world.carrier.until_rest(
        lambda rest: rest.method == "POST" and rest.path.endswith(f"/Calls/{call.sid}.json")
    )
    assert update.status == 200
    assert update.get("Method") == "POST"
    url = update.get("Url")
    assert url == f"{PUBLIC}/twilio/ivr/answer?queue=support&lang=en&request={request.id}"
    assert await call.until_end() is CallStatus.COMPLETED

    said = [heard.text for heard in call.heard("Say")]
    assert said == [INTRO, MACHINE_MESSAGE]  # cut off in the first line: no menu
    assert MENU not in call.heard_text(since_input=False)
    assert CALLER not in " ".join(said) and "0 0 0 0" not in " ".join(said)
    again = world.get(request.id)
    assert again.state is State.WAITING
    assert world.outcomes(request.id) == ["machine"]
    [final] = [
        hook.at
        for hook in world.carrier.records.webhooks_to("/twilio/status", call.sid)
        if hook.params.get("CallStatus") == "completed"
    ]
    assert world.due_at(request.id) == final + BACKOFF


async def test_a_repeated_machine_verdict_redirects_once(world: World) -> None:
    call = await _call_back(world, Person(answered_by=AnsweredBy.MACHINE_START))
    await world.carrier.run_until(lambda: _verdict_sent(world, call))
    await world.carrier.until_rest(
        lambda rest: rest.method == "POST" and rest.path.endswith(f"/Calls/{call.sid}.json")
    )
    [verdict] = [
        hook
        for hook in world.carrier.records.webhooks_to("/twilio/status", call.sid)
        if "AnsweredBy" in hook.params
    ]
    assert (await world.carrier.replay(verdict)).status == 204
    await call.until_end()
    updates = [
        rest
        for rest in world.carrier.records.rest
        if rest.path.endswith(f"/Calls/{call.sid}.json") and rest.method == "POST"
    ]
    assert len(updates) == 1


async def test_a_person_hears_the_menu_and_the_call_is_left_alone(world: World) -> None:
    call = await _call_back(world, Person())
    await call.until_gather()
    assert call.heard_text() == f"{INTRO} {MENU}"
    await world.carrier.run_until(lambda: _verdict_sent(world, call))
    assert call.answered_by is AnsweredBy.HUMAN
    assert not [rest for rest in world.carrier.records.rest if call.sid in rest.path]
