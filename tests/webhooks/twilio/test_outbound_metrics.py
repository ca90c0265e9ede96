"""What the callback call records for the metrics: bridges by outcome, and how far the
promised wait was from the real one when the person is reached."""

from __future__ import annotations

from datetime import timedelta

from callback.request import Promise
from callback.store.records import Claim
from callback.types import AgentId, QueueName, RequestId
from tests.callback.store.support import claim_next
from tests.webhooks.metrics.scrape import Samples, parse, value
from tests.webhooks.twilio.conftest import Twilio, action, waiting_request

SID = "CA" + "5" * 32
TOLD = timedelta(minutes=10)


def _promised_then_dialled(twilio: Twilio, waited: timedelta, queue: str, agent: str) -> Claim:
    now = twilio.clock()
    request = waiting_request(twilio, queue=queue)
    promise = Promise(now, TOLD, TOLD / 2, TOLD * 2, now + TOLD)
    twilio.svc.store.record_announcement(RequestId(request), 0, promise, now)
    twilio.clock.advance(waited)
    claim = claim_next(
        twilio.svc.store, QueueName(queue), twilio.clock(), timedelta(minutes=2), AgentId(agent)
    )
    assert claim is not None and claim.request.id == request
    assert twilio.svc.calls.attach(claim.attempt_id, claim.fence, SID)
    return claim


def _scrape(twilio: Twilio) -> Samples:
    return parse(twilio.client.get("/metrics").text)


def test_a_person_reached_sooner_than_told_is_a_positive_error(twilio: Twilio) -> None:
    claim = _promised_then_dialled(twilio, timedelta(minutes=4), "support", "alice")
    answer = f"/twilio/ivr/answer?queue=support&lang=en&request={claim.request.id}"
    menu = twilio.twiml(answer, CallSid=SID, AnsweredBy="human")
    assert value(_scrape(twilio), "holdless_estimate_error_seconds_count", queue="support") is None
    bridge = twilio.twiml(action(menu), CallSid=SID, Digits="1")
    twilio.twiml(action(menu), CallSid=SID, Digits="1")  # Twilio retrying: reached once
    samples = _scrape(twilio)
    error = "holdless_estimate_error_seconds"
    assert value(samples, f"{error}_count", queue="support") == 1
    # Told 10 minutes, reached after 4: 6 minutes sooner, between 5 and 10 minutes.
    assert value(samples, f"{error}_bucket", queue="support", le="300.0") == 0
    assert value(samples, f"{error}_bucket", queue="support", le="600.0") == 1
    twilio.twiml(action(bridge, "Dial"), CallSid=SID, DialCallStatus="completed")
    bridges = _scrape(twilio)
    assert value(bridges, "holdless_bridges_total", queue="support", outcome="completed") == 1


def test_agent_first_reaches_the_person_when_the_dial_joins(twilio: Twilio) -> None:
    claim = _promised_then_dialled(twilio, timedelta(minutes=25), "sales", "dagur")
    brief = twilio.twiml(f"/twilio/ivr/answer?queue=sales&request={claim.request.id}", CallSid=SID)
    twilio.clock.advance(timedelta(minutes=1))
    twilio.twiml(action(brief, "Dial"), CallSid=SID, DialCallStatus="completed")
    samples = _scrape(twilio)
    # Told 10 minutes, reached after 26: 16 minutes late, between -30 and -15 minutes.
    error = "holdless_estimate_error_seconds_bucket"
    assert value(samples, error, queue="sales", le="-1800.0") == 0
    assert value(samples, error, queue="sales", le="-900.0") == 1
    assert value(samples, "holdless_bridges_total", queue="sales", outcome="completed") == 1


def test_missed_bridges_are_counted_by_status_and_odd_ones_as_other(twilio: Twilio) -> None:
    claim = _promised_then_dialled(twilio, timedelta(minutes=1), "support", "alice")
    answer = f"/twilio/ivr/answer?queue=support&lang=en&request={claim.request.id}"
    bridge = twilio.twiml(action(twilio.twiml(answer, CallSid=SID)), CallSid=SID, Digits="1")
    twilio.twiml(action(bridge, "Dial"), CallSid=SID, DialCallStatus="no-answer")
    twilio.twiml(action(bridge, "Dial"), CallSid=SID, DialCallStatus="x" * 40)
    samples = _scrape(twilio)
    assert value(samples, "holdless_bridges_total", queue="support", outcome="no-answer") == 1
    assert value(samples, "holdless_bridges_total", queue="support", outcome="other") == 1
    assert value(samples, "holdless_bridges_total", queue="support", outcome="x" * 32) is None
