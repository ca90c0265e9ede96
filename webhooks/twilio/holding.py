"""Hold: the waitUrl rounds, the callback key on hold, and the Enqueue action's result.

Each round keeps the caller's place in the one line (`callback.store.held`). A live config
edit may remove or rename the queue a caller is holding in. Their next waitUrl round tells
them and leaves the queue; the Enqueue action then moves them, place and all, to the queue
that now answers the number they called (or its voicemail when it is closed).
"""

from __future__ import annotations

import re
from datetime import timedelta

from callback.config.queue import LiveCallers
from callback.estimate import Estimate
from callback.ordering import Position
from callback.store.announcements import Told
from callback.store.calls import CallRecord
from callback.store.held import Joining
from callback.store.held_line import HeldCaller
from callback.types import QueueName
from ivr import capture
from ivr.call import QueueCall
from ivr.confirm import farewell
from ivr.hold import CALLBACK_DIGIT, announces, hold_wait, leave_hold, moved, queue_gone
from webhooks.twilio.inbound import route_queue
from webhooks.twilio.outlook import live_forecast
from webhooks.twilio.turn import Turn

BRIDGED_ELSEWHERE = frozenset({"bridged", "bridging-in-process", "redirected-from-bridged"})
"""QueueResults after which whoever dequeued the caller bridged them: another system's agent
(Holdless redirects the callers it serves, with the Queue Members resource)."""
GONE_RESULTS = BRIDGED_ELSEWHERE | {"hangup"}
"""QueueResults after which the caller is gone or served: nothing is left to route."""
SECONDS = re.compile(r"[0-9]{1,8}")
HOLD_SOURCE = "hold"
"""The source of the announcements a hold round makes."""
KEEPS_ROW = frozenset({"redirected", "bridged"})
"""QueueResult values after which the caller's place is settled elsewhere (the connect step)."""


def _vanished(turn: Turn) -> bool:
    """The link names a queue the config in force no longer has."""
    named = turn.step.queue
    return named is not None and named not in turn.config.queues


def _join(turn: Turn, call: QueueCall, record: CallRecord | None) -> HeldCaller | None:
    """The caller takes their place in the one line (their first round; later ones keep it)."""
    queue_sid = turn.field("QueueSid")
    if not queue_sid:
        return None
    joining = Joining(
        call_sid=turn.call_sid,
        queue=QueueName(call.queue),
        queue_sid=queue_sid,
        language=call.language,
        priority=call.settings.priority,
        virtual_start=record.arrived_at if record is not None else turn.now,
    )
    return turn.svc.held.held.join(joining, turn.now)


def waiting(turn: Turn) -> str:
    """`Step.HOLD_WAIT`: mark the caller on hold in the line; announce position and wait.

    The position is our line's (priority, then virtual start), not Twilio's QueuePosition,
    which counts only the callers on hold, first come first served.
    """
    if _vanished(turn):
        return queue_gone(turn.call(route_queue(turn)))
    call = turn.call()
    caller = None
    if turn.call_sid:
        record = turn.svc.calls.get(turn.call_sid)
        since = record.hold_since if record is not None and record.hold_since else turn.now
        turn.svc.calls.set_hold(turn.call_sid, since, turn.now)
        caller = _join(turn, call, record)
    standing = None if caller is None else turn.svc.line.held(turn.config, caller, turn.now)
    if standing is None:  # not (or no longer) in our line: nothing to count them by
        return hold_wait(call, position=None, estimate=None)
    position, estimate = standing.position, standing.forecast.estimate
    if announces(position):
        turn.svc.line.places.announce(turn.call_sid, position, turn.now)
        told = _told(turn, call, position, estimate)
        if told is not None and caller is not None:
            turn.svc.held.held.tell(caller, told)
    return hold_wait(call, position=position, estimate=estimate)


def _told(
    turn: Turn, call: QueueCall, position: Position, estimate: Estimate | None
) -> Told | None:
    """What this round says about the wait (no clock time is promised on hold)."""
    if estimate is None:
        return None
    queue, ahead = QueueName(call.queue), position.ahead
    return Told(queue, HOLD_SOURCE, turn.now, ahead, estimate.wait, estimate.low, estimate.high)


def key(turn: Turn) -> str:
    """`Step.HOLD_KEY`: the callback key leaves the queue; any other key plays on."""
    if _vanished(turn):
        return queue_gone(turn.call(route_queue(turn)))
    if turn.digits == str(CALLBACK_DIGIT):
        return leave_hold()
    return hold_wait(turn.call(), position=None, estimate=None, announce=False)


def result(turn: Turn) -> str:
    """`Step.QUEUE_RESULT`: after leaving with the key, capture the number; else goodbye.

    A caller dequeued for an agent (`redirected`) keeps their row: the connect step runs.
    """
    outcome = turn.field("QueueResult")
    if _vanished(turn) and outcome not in GONE_RESULTS:
        return _reroute(turn)
    call = turn.call(route_queue(turn) if _vanished(turn) else None)
    if turn.call_sid:
        turn.svc.calls.set_hold(turn.call_sid, None, turn.now)
        _settle(turn, outcome)
    if outcome == "leave":
        return capture.start_capture(call, turn.caller(call.queue))
    return farewell(call)


def _settle(turn: Turn, outcome: str) -> None:
    """Where the caller's place went: a callback, another system's agent, or nowhere."""
    if outcome == "leave":
        turn.svc.held.left(turn.call_sid, turn.now)
    elif outcome in BRIDGED_ELSEWHERE or (outcome == "redirected" and _external(turn)):
        turn.svc.held.served_elsewhere(turn.call_sid, _queue_time(turn), turn.now)
    elif outcome not in KEEPS_ROW:
        turn.svc.held.hung_up(turn.call_sid, turn.now)


def _external(turn: Turn) -> bool:
    """The caller's queue leaves its live callers to another system: a redirect out of the
    Twilio queue is that system's (Holdless never dequeues there)."""
    caller = turn.svc.held.held.by_sid(turn.call_sid)
    queue = None if caller is None else turn.config.queues.get(caller.queue)
    return queue is not None and queue.live_callers is LiveCallers.EXTERNAL


def _queue_time(turn: Turn) -> timedelta | None:
    """Twilio's QueueTime: how long the caller waited in the queue before leaving it."""
    raw = turn.field("QueueTime")
    return timedelta(seconds=int(raw)) if SECONDS.fullmatch(raw) else None


def _reroute(turn: Turn) -> str:
    """Hold on in the queue answering the called number (its voicemail when it is closed)."""
    target = route_queue(turn)
    if turn.call_sid:
        # Counted in its new line from now on; the hold keeps its start (`waiting`) and the
        # caller keeps their place (the same virtual start) in the new queue's line.
        turn.svc.calls.move(turn.call_sid, target, turn.now)
        turn.svc.held.held.move(turn.call_sid, target, turn.now)
    open_now = live_forecast(turn, target).open
    return moved(turn.call(target), open_now=open_now)
