"""`<Enqueue>`: the waitUrl loop, Leave, patience, and an agent's `<Dial><Queue>`."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from callback.types import E164
from devtools.carrier import Agent, Carrier, Person
from telephony import TwilioTelephony
from tests.carrier_support import BASE, SERVICE_NUMBER
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio

ENQUEUE = twiml('<Enqueue waitUrl="/wait" action="/queue-result">support</Enqueue>')


def _wait(params: dict[str, str]) -> str:
    return twiml(
        '<Gather action="/hold-key" numDigits="1" timeout="2">'
        f"<Say>You are number {params['QueuePosition']} in line.</Say>"
        "<Play>https://example.org/music.mp3</Play>"
        "</Gather>"
    )


def hold_app(app: FakeApp) -> None:
    app.routes["/voice"] = ENQUEUE
    app.routes["/wait"] = _wait
    app.routes["/hold-key"] = twiml("<Leave/>")
    app.routes["/queue-result"] = lambda p: twiml(f"<Say>Result {p['QueueResult']}.</Say>")


async def test_the_wait_url_is_polled_with_queue_parameters(app: FakeApp, carrier: Carrier) -> None:
    hold_app(app)
    first = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(30)
    second = await carrier.incoming_call(from_="+442079460011", to=SERVICE_NUMBER)
    await carrier.run_for(60)
    assert carrier.queue_sizes() == {"support": 2}
    polls = [p for p in app.params("/wait") if p["CallSid"] == second.sid]
    assert {p["QueuePosition"] for p in polls} == {"2"}
    assert {p["CurrentQueueSize"] for p in polls} == {"2"}
    times = [int(p["QueueTime"]) for p in polls]
    assert times == sorted(times) and times[0] == 0 and times[-1] > 20
    # The mean time already waited by both callers, not a forecast.
    last = polls[-1]
    first_waited = int(last["QueueTime"]) + 30
    assert int(last["AvgQueueTime"]) == (first_waited + int(last["QueueTime"])) // 2
    assert "You are number 1 in line." in first.heard_text(since_input=False)
    assert {p["Direction"] for p in polls} == {"inbound"}


async def test_leave_from_the_wait_gather_posts_the_result(app: FakeApp, carrier: Carrier) -> None:
    hold_app(app)
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await call.until_gather()
    await call.press("1")
    await call.until_end()
    [result] = app.params("/queue-result")
    assert result["QueueResult"] == "leave"
    assert result["QueueSid"].startswith("QU")
    assert call.heard_text() == "Result leave."
    assert carrier.queue_sizes() == {"support": 0}


async def test_a_caller_out_of_patience_hangs_up(app: FakeApp, carrier: Carrier) -> None:
    hold_app(app)
    who = Person(keys=(), patience_s=100)
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER, who=who)
    assert await call.until_end() is CallStatus.COMPLETED
    [result] = app.params("/queue-result")
    assert (result["QueueResult"], result["QueueTime"]) == ("hangup", "100")
    assert "Result" not in call.heard_text(since_input=False)


async def test_without_a_wait_url_the_caller_hears_hold_music(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml("<Enqueue>sales</Enqueue><Say>Back from the queue.</Say>")
    app.routes["/agent"] = twiml("<Dial><Queue>sales</Queue></Dial>")
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(65)
    assert [h.text for h in call.heard("Play")] == ["hold music"] * 3
    assert not call.heard("Say")


async def test_an_agent_dequeues_the_caller_who_then_hears_the_survey(
    app: FakeApp, carrier: Carrier
) -> None:
    hold_app(app)
    app.routes["/agent"] = twiml(
        '<Dial action="/agent-done" timeout="20"><Queue url="/to-caller">support</Queue></Dial>'
    )
    app.routes["/to-caller"] = twiml("<Say>Connecting you to an agent.</Say>")
    app.routes["/queue-result"] = twiml(
        '<Gather action="/survey" numDigits="1"><Say>Rate us from 1 to 5.</Say></Gather>'
    )
    app.routes["/survey"] = twiml("<Say>Thank you.</Say>")
    carrier.register("client:alice", Agent(talk_seconds=90))
    caller = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(40)
    telephony = TwilioTelephony(carrier.twilio_client())
    agent_sid = telephony.place_call(
        to=E164("client:alice"),
        from_=SERVICE_NUMBER,
        url=f"{BASE}/agent",
        status_callback=f"{BASE}/status",
        amd_callback=f"{BASE}/amd",
        timeout_s=20,
        machine_detection=False,
    )
    agent = await carrier.outbound_call(agent_sid)
    await caller.until_heard("Rate us from 1 to 5.")
    assert "Connecting you to an agent." in caller.heard_text(since_input=False)
    [connected] = caller.heard("Connected")
    assert connected.text == "client:alice"
    assert await agent.until_end() is CallStatus.COMPLETED
    [done] = app.params("/agent-done")
    assert done["DialCallStatus"] == "completed"
    assert done["DialCallSid"] == caller.sid
    assert done["DialCallDuration"] == "90"
    [result] = app.params("/queue-result")
    assert result["QueueResult"] == "bridged"
    await caller.until_gather()
    await caller.press("5")
    await caller.until_end()
    assert app.params("/survey")[0]["Digits"] == "5"
    assert caller.heard_text() == "Thank you."


async def test_dial_queue_on_an_empty_queue_reports_no_answer(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml('<Dial action="/done" timeout="5"><Queue>empty</Queue></Dial>')
    app.routes["/done"] = lambda p: twiml(f"<Say>{p['DialCallStatus']}</Say>")
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await call.until_end()
    assert call.heard_text() == "no-answer"


async def test_a_rest_redirect_takes_the_caller_out_of_the_queue(
    app: FakeApp, carrier: Carrier
) -> None:
    hold_app(app)
    app.routes["/moved"] = twiml("<Say>Moved.</Say>")
    call = await carrier.incoming_call(from_="+442079460010", to=SERVICE_NUMBER)
    await carrier.run_for(10)
    carrier.twilio_client().calls(call.sid).update(url=f"{BASE}/moved", method="POST")
    await call.until_end()
    assert call.heard_text(since_input=False).endswith("Moved.")
    assert app.params("/queue-result")[0]["QueueResult"] == "redirected"
