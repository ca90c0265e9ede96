"""Status callbacks: idempotent, order-tolerant, and they move the request along."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from callback.types import AgentId, QueueName, RequestId, State
from tests.callback.store.support import claim_next
from tests.webhooks.twilio.conftest import Twilio, dialling, waiting_request

EVENTS = ("initiated", "ringing", "in-progress", "completed")


def _status(twilio: Twilio, sid: str, status: str, **extra: str) -> None:
    response = twilio.post("/twilio/status", CallSid=sid, CallStatus=status, **extra)
    assert response.status_code == 204


def _end_state(twilio: Twilio, sid: str, order: tuple[str, ...]) -> tuple[State, object]:
    claim = dialling(twilio, sid)
    for status in order:
        _status(twilio, sid, status)
        _status(twilio, sid, status)  # every event twice
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None
    return stored.state, stored.attempts


@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)), ids="-".join)
def test_any_order_of_the_four_events_ends_in_the_same_state(
    twilio: Twilio, order: tuple[str, ...]
) -> None:
    # Answered but never bridged: a declined attempt, so back in line for a retry.
    assert _end_state(twilio, "CA" + "a" * 32, order) == (State.WAITING, 1)
    events = twilio.svc.calls.get("CA" + "a" * 32)
    assert events is not None and events.status == "completed"


def test_a_late_ringing_after_completed_is_ignored(twilio: Twilio) -> None:
    sid = "CA" + "b" * 32
    _end_state(twilio, sid, ("completed",))
    _status(twilio, sid, "ringing")
    record = twilio.svc.calls.get(sid)
    assert record is not None and record.status == "completed"


def test_a_connected_call_that_ends_is_completed(twilio: Twilio) -> None:
    sid = "CA" + "c" * 32
    claim = dialling(twilio, sid)
    twilio.svc.store.transition(claim.request.id, State.CONNECTED, twilio.clock())
    for status in reversed(EVENTS):
        _status(twilio, sid, status)
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.COMPLETED


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed"])
def test_a_missed_call_goes_back_in_line_after_the_backoff(twilio: Twilio, status: str) -> None:
    sid = "CA" + "d" * 32
    claim = dialling(twilio, sid)
    _status(twilio, sid, status)
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.WAITING
    position = twilio.svc.store.position(claim.request.id, twilio.clock())
    assert position is None  # not due before the backoff has passed
    later = twilio.clock() + timedelta(minutes=5)
    assert twilio.svc.store.position(claim.request.id, later) is not None


def test_a_machine_answer_is_never_completed(twilio: Twilio) -> None:
    sid = "CA" + "e" * 32
    claim = dialling(twilio, sid)
    assert twilio.post("/twilio/status", CallSid=sid, AnsweredBy="machine_start").status_code == 204
    _status(twilio, sid, "completed")
    stored = twilio.svc.store.get(RequestId(claim.request.id))
    assert stored is not None and stored.state is State.WAITING


def test_the_last_attempt_fails_the_request(twilio: Twilio) -> None:
    claim = dialling(twilio, "CA" + "f" * 32)  # support: three attempts
    _status(twilio, "CA" + "f" * 32, "busy")
    for attempt in (2, 3):
        twilio.clock.advance(timedelta(hours=1))
        again = claim_next(
            twilio.svc.store, claim.request.queue, twilio.clock(), timedelta(minutes=2)
        )
        assert again is not None and again.request.attempts == attempt
        sid = f"CA{attempt:032d}"
        assert twilio.svc.calls.attach(again.attempt_id, again.fence, sid)
        _status(twilio, sid, "no-answer")
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.FAILED


def test_an_agent_first_call_the_agent_missed_does_not_use_a_customer_attempt(
    twilio: Twilio,
) -> None:
    claim = dialling(twilio, "CA" + "5" * 32, queue="sales", agent="dagur")
    _status(twilio, "CA" + "5" * 32, "no-answer")
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.WAITING
    retry_at = twilio.clock() + timedelta(seconds=30)  # the agent retry delay
    assert twilio.svc.store.position(claim.request.id, retry_at) is not None


def test_an_unknown_call_sid_is_recorded_and_changes_nothing(twilio: Twilio) -> None:
    _status(twilio, "CA" + "7" * 32, "completed")
    record = twilio.svc.calls.get("CA" + "7" * 32)
    assert record is not None and record.status == "completed"


def test_a_call_that_ended_before_its_sid_was_attached_is_settled_by_the_sweep(
    twilio: Twilio,
) -> None:
    waiting_request(twilio)
    now = twilio.clock()
    claim = claim_next(
        twilio.svc.store, QueueName("support"), now, timedelta(minutes=2), AgentId("alice")
    )
    assert claim is not None
    sid = "CA" + "5" * 32
    # Twilio's final status outruns the REST reply that carries the CallSid.
    assert twilio.post("/twilio/status", CallSid=sid, CallStatus="no-answer").status_code == 204
    assert twilio.svc.calls.attach(claim.attempt_id, claim.fence, sid)
    twilio.svc.dispatcher.sweep(now)
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.WAITING  # back in line for a retry
    attempt = twilio.svc.calls.attempt_for(sid)
    assert attempt is not None and attempt.ended
