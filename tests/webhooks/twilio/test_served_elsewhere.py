"""A caller on hold whom another system's agent bridged is served there, never abandoned.

Twilio posts the `<Enqueue>` action only once the bridged parties hang up, with the time the
caller spent in the queue (QueueTime); the call's final status may come before or after it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callback.report import Tally
from callback.store.announcements import ANNOUNCEMENT
from callback.store.engine import read_transaction
from callback.store.held_line import HeldState
from callback.store.queue_day import queue_day
from callback.store.report import held
from callback.types import QueueName
from tests.webhooks.twilio.conftest import Twilio

QUEUE_SID = "QU" + "6" * 32
HOLD = "/twilio/ivr/hold-wait?queue=support&lang=en"
RESULT = "/twilio/ivr/queue-result?queue=support&lang=en"
WAITED = timedelta(minutes=3)
TALKED = timedelta(minutes=5)
_n = ANNOUNCEMENT.c


@pytest.fixture
def config_file(config_file: Path) -> Path:
    """The support queue leaves its callers on hold to another system."""
    text = config_file.read_text(encoding="utf-8")
    edited = text.replace('live_callers = "holdless"', 'live_callers = "external"', 1)
    assert edited != text
    config_file.write_text(edited, encoding="utf-8")
    return config_file


def _state(twilio: Twilio) -> HeldState:
    caller = twilio.svc.held.held.by_sid(twilio.sid)
    assert caller is not None
    return caller.state


def _outcomes(twilio: Twilio) -> set[tuple[str, object]]:
    with read_transaction(twilio.svc.store.engine) as connection:
        rows = connection.execute(select(_n.outcome, _n.ended_at)).all()
    return {(outcome, ended) for outcome, ended in rows}


def _hold(twilio: Twilio) -> None:
    """The caller's first hold round (they are told their place), then their wait."""
    twilio.post("/twilio/voice", CallStatus="ringing")
    twilio.twiml(HOLD, QueuePosition="1", QueueSid=QUEUE_SID)
    assert _state(twilio) is HeldState.HOLDING


def _abandoned_today(twilio: Twilio) -> int:
    now, hour = twilio.clock(), timedelta(hours=1)
    day = queue_day(twilio.svc.store.engine, QueueName("support"), now - hour, now + hour)
    return day.abandoned_on_hold


@pytest.mark.parametrize("result", ["bridged", "redirected-from-bridged", "redirected"])
def test_the_result_after_the_talk_serves_the_caller_when_the_bridge_began(
    twilio: Twilio, result: str
) -> None:
    joined = twilio.clock()
    _hold(twilio)
    twilio.clock.advance(WAITED + TALKED)
    queue_time = str(int(WAITED.total_seconds()))
    twilio.twiml(RESULT, QueueResult=result, QueueSid=QUEUE_SID, QueueTime=queue_time)
    twilio.post("/twilio/status", CallStatus="completed")
    assert _state(twilio) is HeldState.SERVED
    assert _outcomes(twilio) == {("reached", joined + WAITED)}
    assert _abandoned_today(twilio) == 0
    assert _reported(twilio) == Tally(served_held=1, within_target=0, answer_seconds=180.0)


def _reported(twilio: Twilio) -> Tally:
    """The reports' tally of callers on hold over the hour around now."""
    now, hour = twilio.clock(), timedelta(hours=1)
    with read_transaction(twilio.svc.store.engine) as connection:
        slots = held(connection, QueueName("support"), now - hour, now + hour, timedelta(0))
    [tally] = slots.values()
    return tally


def test_the_calls_end_arriving_first_is_corrected_by_the_result(twilio: Twilio) -> None:
    joined = twilio.clock()
    _hold(twilio)
    twilio.clock.advance(WAITED + TALKED)
    twilio.post("/twilio/status", CallStatus="completed")
    assert _state(twilio) is HeldState.ABANDONED  # nothing yet says they were bridged
    twilio.clock.advance(timedelta(seconds=1))
    twilio.twiml(RESULT, QueueResult="bridged", QueueSid=QUEUE_SID, QueueTime="180")
    assert _state(twilio) is HeldState.SERVED
    assert _outcomes(twilio) == {("reached", joined + WAITED)}
    assert _abandoned_today(twilio) == 0


def test_a_caller_who_hung_up_on_hold_stays_abandoned(twilio: Twilio) -> None:
    _hold(twilio)
    twilio.clock.advance(WAITED)
    gone = twilio.clock()
    twilio.twiml(RESULT, QueueResult="hangup", QueueSid=QUEUE_SID, QueueTime="180")
    twilio.post("/twilio/status", CallStatus="completed")
    assert _state(twilio) is HeldState.ABANDONED
    assert _outcomes(twilio) == {("abandoned", gone)}
    assert _abandoned_today(twilio) == 1


def test_a_result_without_queue_time_ends_the_wait_on_arrival(twilio: Twilio) -> None:
    _hold(twilio)
    twilio.clock.advance(WAITED)
    now = twilio.clock()
    twilio.twiml(RESULT, QueueResult="bridging-in-process", QueueSid=QUEUE_SID, QueueTime="x")
    assert _state(twilio) is HeldState.SERVED
    assert _outcomes(twilio) == {("reached", now)}
