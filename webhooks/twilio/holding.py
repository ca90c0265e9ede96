"""Hold: the waitUrl rounds, the callback key on hold, and the Enqueue action's result."""

from __future__ import annotations

from callback.ordering import Position
from callback.store.calls import CallRecord
from callback.store.held import Joining
from callback.types import QueueName
from ivr import capture
from ivr.call import QueueCall
from ivr.confirm import farewell
from ivr.hold import CALLBACK_DIGIT, hold_wait, leave_hold
from webhooks.twilio.outlook import live_forecast
from webhooks.twilio.turn import Turn

MAX_QUEUE_POSITION = 10_000
KEEPS_ROW = frozenset({"redirected", "bridged"})
"""QueueResult values after which the caller's place is settled elsewhere (the connect step)."""


def _queue_position(turn: Turn) -> Position | None:
    raw = turn.field("QueuePosition")
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_QUEUE_POSITION:
        return None
    return Position(ahead=int(raw) - 1)


def _join(turn: Turn, call: QueueCall, record: CallRecord | None) -> None:
    """The caller takes their place in the one line (their first round; later ones keep it)."""
    queue_sid = turn.field("QueueSid")
    if not queue_sid:
        return
    joining = Joining(
        call_sid=turn.call_sid,
        queue=QueueName(call.queue),
        queue_sid=queue_sid,
        language=call.language,
        priority=call.settings.priority,
        virtual_start=record.arrived_at if record is not None else turn.now,
    )
    turn.svc.held.held.join(joining, turn.now)


def waiting(turn: Turn) -> str:
    """`Step.HOLD_WAIT`: mark the caller on hold in the line; announce position and wait."""
    call = turn.call()
    if turn.call_sid:
        record = turn.svc.calls.get(turn.call_sid)
        since = record.hold_since if record is not None and record.hold_since else turn.now
        turn.svc.calls.set_hold(turn.call_sid, since, turn.now)
        _join(turn, call, record)
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
    """`Step.QUEUE_RESULT`: after leaving with the key, capture the number; else goodbye.

    A caller dequeued for an agent (`redirected`) keeps their row: the connect step runs.
    """
    call = turn.call()
    outcome = turn.field("QueueResult")
    if turn.call_sid:
        turn.svc.calls.set_hold(turn.call_sid, None, turn.now)
        if outcome == "leave":
            turn.svc.held.left(turn.call_sid, turn.now)
        elif outcome not in KEEPS_ROW:
            turn.svc.held.hung_up(turn.call_sid, turn.now)
    if outcome == "leave":
        return capture.start_capture(call, turn.caller(call.queue))
    return farewell(call)
