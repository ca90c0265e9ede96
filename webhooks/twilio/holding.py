"""Hold: the waitUrl rounds, the callback key on hold, and the Enqueue action's result."""

from __future__ import annotations

from callback.ordering import Position
from callback.types import QueueName
from ivr import capture
from ivr.confirm import farewell
from ivr.hold import CALLBACK_DIGIT, hold_wait, leave_hold
from webhooks.twilio.outlook import live_forecast
from webhooks.twilio.turn import Turn

MAX_QUEUE_POSITION = 10_000


def _queue_position(turn: Turn) -> Position | None:
    raw = turn.field("QueuePosition")
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_QUEUE_POSITION:
        return None
    return Position(ahead=int(raw) - 1)


def waiting(turn: Turn) -> str:
    """`Step.HOLD_WAIT`: mark the caller on hold; announce position and wait; music."""
    call = turn.call()
    if turn.call_sid:
        record = turn.svc.calls.get(turn.call_sid)
        since = record.hold_since if record is not None and record.hold_since else turn.now
        turn.svc.calls.set_hold(turn.call_sid, since, turn.now)
    position = _queue_position(turn)
    ahead = None if position is None else position.ahead
    estimate = live_forecast(turn, QueueName(call.queue), ahead).estimate
    return hold_wait(call, position=position, estimate=estimate)


def key(turn: Turn) -> str:
    """`Step.HOLD_KEY`: the callback key leaves the queue; any other key plays on."""
    if turn.digits == str(CALLBACK_DIGIT):
        return leave_hold()
    return hold_wait(turn.call(), position=None, estimate=None, announce=False)


def result(turn: Turn) -> str:
    """`Step.QUEUE_RESULT`: after leaving with the key, capture the number; else goodbye."""
    call = turn.call()
    if turn.call_sid:
        turn.svc.calls.set_hold(turn.call_sid, None, turn.now)
    if turn.field("QueueResult") == "leave":
        return capture.start_capture(call, turn.caller(call.queue))
    return farewell(call)
