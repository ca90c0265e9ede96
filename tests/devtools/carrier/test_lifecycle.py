"""Outbound calls made through the REST API: status callbacks, detection, the REST view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callback.carrier import AnsweredBy, CallStatus
from callback.types import E164
from devtools.carrier import Carrier, Person, ScenarioError
from telephony import TwilioTelephony
from tests.carrier_support import BASE, SERVICE_NUMBER, START
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio

CUSTOMER = E164("+442079460321")


def outbound_app(app: FakeApp) -> None:
    app.routes["/answer"] = twiml(
        '<Gather action="/choice" numDigits="1"><Say>This is Example Energy returning your'
        " call. Press 1 to be connected.</Say></Gather>",
        "<Hangup/>",
    )
    app.routes["/choice"] = twiml("<Say>Connecting.</Say>")


def place(carrier: Carrier, *, amd: bool = True, timeout_s: int = 25) -> str:
    return TwilioTelephony(carrier.twilio_client()).place_call(
        to=CUSTOMER,
        from_=SERVICE_NUMBER,
        url=f"{BASE}/answer",
        status_callback=f"{BASE}/status",
        amd_callback=f"{BASE}/amd",
        timeout_s=timeout_s,
        machine_detection=amd,
    )


async def test_an_answered_call_reports_all_four_events(app: FakeApp, carrier: Carrier) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(keys=("1",), ring_seconds=5))
    sid = place(carrier)
    call = await carrier.outbound_call(sid)
    assert await call.until_end() is CallStatus.COMPLETED
    statuses = carrier.records.statuses("/status", sid)
    assert statuses == ["initiated", "ringing", "in-progress", "completed"]
    reports = app.params("/status")
    assert [r["SequenceNumber"] for r in reports] == ["0", "1", "2", "3"]
    assert {r["Direction"] for r in reports} == {"outbound-api"}
    assert {r["From"] for r in reports} == {SERVICE_NUMBER}
    assert "CallDuration" not in reports[2]
    assert int(reports[3]["CallDuration"]) > 0
    [answer] = app.params("/answer")
    assert (answer["CallStatus"], answer["To"]) == ("in-progress", CUSTOMER)
    assert "AnsweredBy" not in answer
    assert app.params("/choice")[0]["Digits"] == "1"


@pytest.mark.parametrize(
    "answered_by", [AnsweredBy.HUMAN, AnsweredBy.MACHINE_START, AnsweredBy.FAX, AnsweredBy.UNKNOWN]
)
async def test_async_amd_posts_who_answered(
    app: FakeApp, carrier: Carrier, answered_by: AnsweredBy
) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(keys=(None,), answered_by=answered_by))
    sid = place(carrier)
    call = await carrier.outbound_call(sid)
    await call.until_end()
    await carrier.run_for(5)
    [amd] = app.params("/amd")
    assert amd["AnsweredBy"] == answered_by
    assert amd["CallSid"] == sid
    assert call.answered_by is answered_by


async def test_a_machine_listens_but_never_presses(app: FakeApp, carrier: Carrier) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(keys=("1",), answered_by=AnsweredBy.MACHINE_START))
    call = await carrier.outbound_call(place(carrier))
    await call.until_end()
    assert app.params("/choice") == []
    assert call.heard("Timeout")


async def test_without_detection_no_amd_callback_is_made(app: FakeApp, carrier: Carrier) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(keys=(None,)))
    call = await carrier.outbound_call(place(carrier, amd=False))
    await call.until_end()
    await carrier.run_for(5)
    assert app.params("/amd") == []
    assert call.answered_by is None


@pytest.mark.parametrize(
    ("person", "final", "elapsed"),
    [
        (Person(busy=True), "busy", 2),
        (Person(answer_probability=0.0), "no-answer", 25),
        (Person(reachable=False), "failed", 0),
    ],
    ids=["busy", "no-answer", "failed"],
)
async def test_unanswered_calls_end_without_in_progress(
    app: FakeApp, carrier: Carrier, person: Person, final: str, elapsed: int
) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, person)
    sid = place(carrier)
    call = await carrier.outbound_call(sid)
    assert await call.until_end() == final
    assert carrier.records.statuses("/status", sid) == ["initiated", "ringing", final]
    assert app.params("/status")[-1]["CallDuration"] == "0"
    assert app.params("/answer") == []
    assert carrier.clock.now() - START == timedelta(seconds=elapsed)


async def test_the_rest_view_follows_the_call(app: FakeApp, carrier: Carrier) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(keys=("1",), ring_seconds=5))
    client = carrier.twilio_client()
    sid = place(carrier)
    assert client.calls(sid).fetch().status == "queued"
    call = await carrier.outbound_call(sid)
    await call.until_end()
    fetched = client.calls(sid).fetch()
    assert fetched.status == "completed"
    assert fetched.direction == "outbound-api"
    assert fetched.start_time == START
    assert int(fetched.duration) == int(app.params("/status")[-1]["CallDuration"])
    records = TwilioTelephony(client).calls_to(CUSTOMER, START)
    assert [(r.sid, r.status) for r in records] == [(sid, CallStatus.COMPLETED)]


async def test_cancelling_a_ringing_call(app: FakeApp, carrier: Carrier) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(ring_seconds=20))
    sid = place(carrier)
    call = await carrier.outbound_call(sid)
    await carrier.run_for(3)
    carrier.twilio_client().calls(sid).update(status="canceled")
    assert await call.until_end() is CallStatus.CANCELED
    assert carrier.records.statuses("/status", sid)[-1] == "canceled"


async def test_hanging_up_a_live_call_through_rest(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/answer"] = twiml('<Pause length="600"/>')
    sid = place(carrier)
    call = await carrier.outbound_call(sid)
    await carrier.run_for(60)
    carrier.twilio_client().calls(sid).update(status="completed")
    assert await call.until_end() is CallStatus.COMPLETED
    assert carrier.clock.now() - START < timedelta(seconds=70)


async def test_outbound_call_waits_for_the_app_to_place_one(carrier: Carrier) -> None:
    with pytest.raises(ScenarioError, match="no outbound call"):
        await carrier.outbound_call(limit_s=5)


async def test_a_recorded_callback_can_be_replayed_in_any_order(
    app: FakeApp, carrier: Carrier
) -> None:
    outbound_app(app)
    carrier.register(CUSTOMER, Person(keys=("1",)))
    sid = place(carrier)
    await (await carrier.outbound_call(sid)).until_end()
    reports = carrier.records.webhooks_to("/status", sid)
    for exchange in reversed(reports):
        assert (await carrier.replay(exchange)).ok
    replayed = [p["CallStatus"] for p in app.params("/status")][4:]
    assert replayed == ["completed", "in-progress", "ringing", "initiated"]
    assert app.rejected == 0
