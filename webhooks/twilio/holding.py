"""Hold: the waitUrl rounds, the callback key on hold, and the Enqueue action's result.

A live config edit may remove or rename the queue a caller is holding in. Their next
waitUrl round tells them and leaves the queue; the Enqueue action then moves them to the
queue that now answers the number they called (or its voicemail when it is closed).
"""

from __future__ import annotations

from callback.ordering import Position
from callback.types import QueueName
from ivr import capture
from ivr.confirm import farewell
from ivr.hold import CALLBACK_DIGIT, hold_wait, leave_hold, moved, queue_gone
from webhooks.twilio.inbound import route_queue
from webhooks.twilio.outlook import live_forecast
from webhooks.twilio.turn import Turn

MAX_QUEUE_POSITION = 10_000
GONE_RESULTS = frozenset({"hangup", "bridged"})
"""QueueResults after which the caller is gone or served: nothing is left to route."""


def _queue_position(turn: Turn) -> Position | None:
    raw = turn.field("QueuePosition")
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_QUEUE_POSITION:
        return None
    return Position(ahead=int(raw) - 1)


def _vanished(turn: Turn) -> bool:
    """The link names a queue the config in force no longer has."""
    named = turn.step.queue
    return named is not None and named not in turn.config.queues


def waiting(turn: Turn) -> str:
    """`Step.HOLD_WAIT`: mark the caller on hold; announce position and wait; music."""
    if _vanished(turn):
        return queue_gone(turn.call(route_queue(turn)))
    call = turn.call()
    if turn.call_sid:
        record = turn.svc.calls.get(turn.call_sid)
        since = record.hold_since if record is not None and record.hold_since else turn.now
        turn.svc.calls.set_hold(turn.call_sid, since, turn.now)
    position = _queue_position(turn)
    ahead = None if position is None else position.ahead
    # Twilio's QueuePosition counts callers on hold only: all of them may abandon.
    estimate = live_forecast(turn, QueueName(call.queue), ahead, on_hold=ahead).estimate
    return hold_wait(call, position=position, estimate=estimate)


def key(turn: Turn) -> str:
    """`Step.HOLD_KEY`: the callback key leaves the queue; any other key plays on."""
    if _vanished(turn):
        return queue_gone(turn.call(route_queue(turn)))
    if turn.digits == str(CALLBACK_DIGIT):
        return leave_hold()
    return hold_wait(turn.call(), position=None, estimate=None, announce=False)


def result(turn: Turn) -> str:
    """`Step.QUEUE_RESULT`: after leaving with the key, capture the number; else goodbye."""
    if _vanished(turn) and turn.field("QueueResult") not in GONE_RESULTS:
        return _reroute(turn)
    call = turn.call(route_queue(turn) if _vanished(turn) else None)
    if turn.call_sid:
        turn.svc.calls.set_hold(turn.call_sid, None, turn.now)
    if turn.field("QueueResult") == "leave":
        return capture.start_capture(call, turn.caller(call.queue))
    return farewell(call)


def _reroute(turn: Turn) -> str:
    """Hold on in the queue answering the called number (its voicemail when it is closed)."""
    target = route_queue(turn)
    if turn.call_sid:
        # Counted in its new line from now on; the hold keeps its start (`waiting`).
        turn.svc.calls.move(turn.call_sid, target, turn.now)
    open_now = live_forecast(turn, target).open
    return moved(turn.call(target), open_now=open_now)
