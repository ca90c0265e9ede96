"""What callers on hold and customers called back are told is kept beside what happened."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from callback.store.announcements import ANNOUNCEMENT, Told, told_request
from callback.store.engine import read_transaction, write_transaction
from callback.types import QueueName, RequestId
from tests.callback.service.test_hold_round import writing_transactions
from tests.webhooks.twilio.conftest import Twilio, action, dialling, find

SID = "CA" + "4" * 32
QUEUE_SID = "QU" + "5" * 32
HOLD = "/twilio/ivr/hold-wait?queue=support&lang=en"
_n = ANNOUNCEMENT.c


def _rows(twilio: Twilio) -> list[dict[str, Any]]:
    with read_transaction(twilio.svc.store.engine) as connection:
        rows = connection.execute(select(ANNOUNCEMENT).order_by(_n.id)).mappings()
        return [dict(row) for row in rows]


def _newcomer_wait(twilio: Twilio) -> float:
    """The wait the one line promises someone with nobody ahead, now."""
    svc = twilio.svc
    outlook = svc.line.forecast(
        svc.config.current, QueueName("support"), twilio.clock(), 0, on_hold=0
    )
    assert outlook.estimate is not None
    return outlook.estimate.wait.total_seconds()


def test_each_hold_round_is_kept_and_hanging_up_ends_them(twilio: Twilio) -> None:
    twilio.post("/twilio/voice", CallStatus="ringing")
    told = [_newcomer_wait(twilio)]
    twilio.twiml(HOLD, QueuePosition="1", QueueSid=QUEUE_SID)
    twilio.clock.advance(timedelta(minutes=1))
    told.append(_newcomer_wait(twilio))
    twilio.twiml(HOLD, QueuePosition="1", QueueSid=QUEUE_SID)
    twilio.clock.advance(timedelta(minutes=1))
    twilio.twiml("/twilio/ivr/queue-result?queue=support&lang=en", QueueResult="hangup")
    rows = _rows(twilio)
    held = twilio.svc.held.held.by_sid(twilio.sid)
    assert held is not None
    assert [(r["held_id"], r["source"], r["ahead"], r["is_first"]) for r in rows] == [
        (held.id, "hold", 0, True),
        (held.id, "hold", 0, False),
    ]
    assert [r["wait_s"] for r in rows] == told
    assert {(r["outcome"], r["ended_at"]) for r in rows} == {("abandoned", twilio.clock())}
    assert [r["promise_by"] for r in rows] == [None, None]  # no clock time is said on hold


def _told(twilio: Twilio, request: int) -> datetime:
    now = twilio.clock()
    minute = timedelta(minutes=1)
    told = Told(QueueName("support"), "web", now, 0, minute, minute / 2, minute * 2, now + minute)
    with write_transaction(twilio.svc.store.engine) as connection:
        told_request(connection, RequestId(request), told)
    return now


def test_a_customer_put_through_to_the_agent_is_reached_at_the_key(twilio: Twilio) -> None:
    claim = dialling(twilio, SID)
    _told(twilio, claim.request.id)
    twilio.clock.advance(timedelta(seconds=40))
    answer = f"/twilio/ivr/answer?queue=support&lang=en&request={claim.request.id}"
    menu = twilio.twiml(answer, CallSid=SID, AnsweredBy="human")
    twilio.clock.advance(timedelta(seconds=5))
    twilio.twiml(action(menu), CallSid=SID, Digits="1")
    [row] = _rows(twilio)
    assert (row["outcome"], row["ended_at"]) == ("reached", twilio.clock())


def test_agent_first_the_customer_is_reached_when_they_answer_not_when_the_call_ends(
    twilio: Twilio,
) -> None:
    claim = dialling(twilio, SID, queue="sales", agent="dagur")
    _told(twilio, claim.request.id)
    brief = twilio.twiml(f"/twilio/ivr/answer?queue=sales&request={claim.request.id}", CallSid=SID)
    twilio.clock.advance(timedelta(seconds=20))
    answered = twilio.clock()
    twilio.twiml(find(brief, "Dial/Number").attrib["url"], CallSid=SID)
    twilio.clock.advance(timedelta(minutes=6))  # they talk
    twilio.twiml(action(brief, "Dial"), CallSid=SID, DialCallStatus="completed")
    [row] = _rows(twilio)
    assert (row["outcome"], row["ended_at"]) == ("reached", answered)


def test_a_caller_bridged_by_another_system_is_reached_then(twilio: Twilio) -> None:
    twilio.post("/twilio/voice", CallStatus="ringing")
    twilio.twiml(HOLD, QueuePosition="1", QueueSid=QUEUE_SID)
    twilio.clock.advance(timedelta(minutes=3))
    bridged = twilio.clock()
    twilio.twiml("/twilio/ivr/queue-result?queue=support&lang=en", QueueResult="bridged")
    twilio.clock.advance(timedelta(minutes=5))
    twilio.post("/twilio/status", CallStatus="completed")  # the call ends after the talk
    [row] = _rows(twilio)
    assert (row["outcome"], row["ended_at"]) == ("reached", bridged)


def test_a_hold_round_commits_once(twilio: Twilio) -> None:
    twilio.post("/twilio/voice", CallStatus="ringing")
    twilio.twiml(HOLD, QueuePosition="1", QueueSid=QUEUE_SID)
    twilio.clock.advance(timedelta(minutes=1))
    written = writing_transactions(twilio.svc.store.engine)
    # A second caller ahead-counts the first: a new place, a new position, new words.
    twilio.twiml(HOLD, CallSid=SID, QueuePosition="2", QueueSid=QUEUE_SID)
    assert len(written) == 1
    held = twilio.svc.held.held.by_sid(SID)
    assert held is not None
    assert [(r["held_id"], r["ahead"]) for r in _rows(twilio)][-1] == (held.id, 1)
