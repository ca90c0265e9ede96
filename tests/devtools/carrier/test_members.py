"""The Queue Members resource: one chosen caller on hold dequeued by CallSid, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from callback.carrier import CallStatus
from devtools.carrier import Carrier, Person
from telephony import TwilioTelephony
from tests.carrier_support import BASE, SERVICE_NUMBER
from tests.devtools.carrier.test_queue import hold_app
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio


def connect_app(app: FakeApp) -> None:
    hold_app(app)
    app.routes["/connect"] = twiml("<Say>Connecting you now.</Say>")


async def _dequeue(carrier: Carrier, queue_sid: str, call_sid: str) -> bool:
    phone = TwilioTelephony(carrier.twilio_client())
    # The twilio client blocks: run it off the loop, as the dispatcher does.
    return await asyncio.to_thread(phone.dequeue, queue_sid, call_sid, url=f"{BASE}/connect")


async def test_the_chosen_caller_not_the_head_is_dequeued(app: FakeApp, carrier: Carrier) -> None:
    connect_app(app)
    first = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(10)
    second = await carrier.incoming_call(from_="+442079460011", to=SERVICE_NUMBER)
    await carrier.run_for(10)
    queue_sid = app.params("/wait")[-1]["QueueSid"]
    assert await _dequeue(carrier, queue_sid, second.sid) is True
    await carrier.run_for(5)
    [result] = app.params("/queue-result")
    assert (result["CallSid"], result["QueueResult"]) == (second.sid, "redirected")
    assert "Connecting you now." in second.heard_text(since_input=False)
    assert "Connecting you now." not in first.heard_text(since_input=False)
    assert carrier.queue_sizes() == {"support": 1}


async def test_a_member_is_dequeued_once(app: FakeApp, carrier: Carrier) -> None:
    connect_app(app)
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(5)
    queue_sid = app.params("/wait")[-1]["QueueSid"]
    both = await asyncio.gather(*(_dequeue(carrier, queue_sid, call.sid) for _ in range(2)))
    assert sorted(both) == [False, True]
    await carrier.run_for(5)
    assert len(app.params("/connect")) == 1


async def test_a_caller_who_hung_up_is_not_dequeued(app: FakeApp, carrier: Carrier) -> None:
    connect_app(app)
    who = Person(keys=(), patience_s=20)
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER, who=who)
    await carrier.run_for(5)
    queue_sid = app.params("/wait")[-1]["QueueSid"]
    assert await call.until_end() is CallStatus.COMPLETED
    assert await _dequeue(carrier, queue_sid, call.sid) is False
    assert app.params("/connect") == []


async def test_the_member_resource_reads_position_and_wait(app: FakeApp, carrier: Carrier) -> None:
    connect_app(app)
    await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(30)
    second = await carrier.incoming_call(from_="+442079460011", to=SERVICE_NUMBER)
    await carrier.run_for(12)
    queue_sid = app.params("/wait")[-1]["QueueSid"]
    client = carrier.twilio_client()
    member = await asyncio.to_thread(client.queues(queue_sid).members(second.sid).fetch)
    assert (member.call_sid, member.position, member.wait_time) == (second.sid, 2, 12)
    front = await asyncio.to_thread(client.queues(queue_sid).members("Front").fetch)
    assert front.position == 1 and front.call_sid != second.sid
