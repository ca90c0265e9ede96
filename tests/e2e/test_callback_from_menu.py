"""Issue 3's script: a caller asks for a callback from the menu and is called back.

The request is stored with its promise and confirmed by SMS; the dispatcher places the
customer's call through the real twilio client; the customer presses 1, the agent hears
the whisper and is bridged; after the talk the request is completed and the agent wraps up.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from callback.carrier import CallStatus
from callback.store.presence import AgentStatus
from callback.types import State
from devtools.carrier import Agent
from tests.e2e.conftest import CALLER, MONDAY_10, SERVICE, World
from tests.e2e.steps import CALLBACK, YES, book_callback, press_at_gather, to_the_offer

pytestmark = pytest.mark.anyio

CALLS_PATH = "/2010-04-01/Accounts/{account}/Calls.json"
WRAP_UP = timedelta(seconds=45)
"""The example support queue's wrap-up."""
TALK = 90.0


async def test_the_caller_hears_the_wait_and_the_offer_then_the_promise(world: World) -> None:
    call = await to_the_offer(world.carrier)
    offer = call.heard_text()
    assert "You are number 1 in line." in offer
    assert "Your wait should be between 1 and 3 minutes." in offer
    assert "have us call you back, press 1" in offer
    await call.press(CALLBACK)
    assert "number ending in 0 0 0 0" in await press_at_gather(call, YES)
    assert await call.until_end() is CallStatus.COMPLETED
    promise = world.request().promise
    assert promise is not None
    # What was said is what was stored: 72 s said as "about 2", and the clock time.
    assert promise.wait == timedelta(seconds=72)
    by = promise.by.strftime("%H:%M")  # London is on GMT in March: UTC is local time
    assert call.heard_text() == (
        f"Thank you. We will call you back in about 2 minutes, by {by}. "
        "You can hang up now. Thank you for calling Example Energy. Goodbye."
    )


async def test_a_booked_request_waits_with_its_promise_and_an_sms(world: World) -> None:
    call = await book_callback(world.carrier)
    request = world.request()
    assert request.state is State.WAITING
    assert request.virtual_start == MONDAY_10  # the moment the call arrived
    assert request.contexts[0].data == {
        "call_sid": call.sid,
        "source": "phone",
        "reason": "billing",
    }
    promise = request.promise
    assert promise is not None
    assert promise.announced_at == request.created_at
    assert promise.low <= promise.wait <= promise.high
    assert promise.by >= promise.announced_at + promise.wait
    [(to, body)] = world.notifier.sent
    assert to == CALLER
    assert body == (
        "Example Energy: your callback is booked. You are number 1 in line and we will call "
        f"you by {promise.by.strftime('%H:%M')}. Reply CANCEL to cancel."
    )


async def test_the_callback_is_dialled_answered_bridged_and_completed(world: World) -> None:
    world.carrier.register("client:alice", Agent(talk_seconds=TALK))
    await book_callback(world.carrier)
    request = world.request()
    world.on_duty("alice")

    [_, support] = await world.dispatch()
    assert support.placed
    [sid] = support.placed
    [create] = [
        rest
        for rest in world.carrier.records.rest
        if rest.path == CALLS_PATH.format(account=world.carrier.account.sid)
    ]
    assert create.method == "POST" and create.status == 201
    assert (create.get("To"), create.get("From")) == (CALLER, SERVICE)
    assert create.getall("StatusCallbackEvent") == ["initiated", "ringing", "answered", "completed"]
    assert (create.get("MachineDetection"), create.get("AsyncAmd")) == ("Enable", "true")
    assert world.get(request.id).state is State.DIALING
    assert world.presence("alice") is AgentStatus.BUSY

    customer = await world.carrier.outbound_call(sid)
    assert "returning your call" in await press_at_gather(customer, CALLBACK)
    await customer.until_gather()  # the survey, after the agent hung up
    [agent] = customer.children()
    assert agent.heard("Say")[0].text == (
        "Callback from the Customer support queue. The customer has waited less than two minutes."
    )
    assert [h.verb for h in agent.transcript][-2:] == ["Connected", "Hangup"]
    assert [h.text for h in customer.heard("Dial")] == ["client:alice"]
    assert world.get(request.id).state is State.CONNECTED

    await customer.press("5")
    assert await customer.until_end() is CallStatus.COMPLETED
    done = world.get(request.id)
    assert done.state is State.COMPLETED
    assert done.attempts == 1
    assert {"survey_rating": 5} in [entry.data for entry in done.contexts]
    assert world.outcomes(request.id) == ["connected"]


async def test_the_agent_wraps_up_then_is_available_again(world: World) -> None:
    world.carrier.register("client:alice", Agent(talk_seconds=TALK))
    await book_callback(world.carrier)
    world.on_duty("alice")
    await world.dispatch()
    customer = await world.carrier.outbound_call()
    await press_at_gather(customer, CALLBACK)
    await press_at_gather(customer, "4")
    await customer.until_end()
    ended = world.now

    await world.dispatch()
    assert world.presence("alice") is AgentStatus.WRAP_UP
    await world.carrier.run_for((WRAP_UP - timedelta(seconds=1)).total_seconds())
    await world.dispatch()
    assert world.presence("alice") is AgentStatus.WRAP_UP
    await world.carrier.run_for(1)
    assert world.now == ended + WRAP_UP
    await world.dispatch()
    assert world.presence("alice") is AgentStatus.AVAILABLE
