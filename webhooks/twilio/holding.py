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
from callback.service.hold_round import Round
from callback.types import QueueName
from ivr import capture
from ivr.call import QueueCall
from ivr.confirm import farewell
from ivr.hold import CALLBACK_DIGIT, hold_wait, leave_hold, moved, queue_gone
from webhooks.twilio.inbound import route_queue
from webhooks.twilio.outlook import live_forecast
from webhooks.twilio.turn import Turn

BRIDGED_ELSEWHERE = frozenset({"bridged", "bridging-in-process", "redirected-from-bridged"})
"""QueueResults after which whoever dequeued the caller bridged them: another system's agent
(Holdless redirects the callers it serves, with the Queue Members resource)."""
GONE_RESULTS = BRIDGED_ELSEWHERE | {"hangup"}
"""QueueResults after which the caller is gone or served: nothing is left to route."""
SECONDS = re.compile(r"[0-9]{1,8}")
KEEPS_ROW = frozenset({"redirected", "bridged"})
"""QueueResult values after which the caller's place is settled elsewhere (the connect step)."""


def _vanished(turn: Turn) -> bool:
    """The link names a queue the config in force no longer has."""
    named = turn.step.queue
    return named is not None and named not in turn.config.queues


def _round(turn: Turn, call: QueueCall) -> Round:
    """The round as the use case takes it: the call, its queue, Twilio's queue."""
    return Round(
        call_sid=turn.call_sid,
        queue=QueueName(call.queue),
        queue_sid=turn.field("QueueSid"),
        language=call.language,
        priority=call.settings.priority,
    )


def waiting(turn: Turn) -> str:
    """`Step.HOLD_WAIT`: mark the caller on hold in the line; announce position and wait.

    The position is our line's (priority, then virtual start), not Twilio's QueuePosition,
    which counts only the callers on hold, first come first served.
    """
    if _vanished(turn):
        return queue_gone(turn.call(route_queue(turn)))
    call = turn.call()
    if not turn.call_sid:  # not a call we can place in our line: nothing to count them by
        return hold_wait(call, position=None, estimate=None)
    standing = turn.svc.holds.wait(turn.config, _round(turn, call), turn.now)
    if standing is None:  # not (or no longer) in our line
        return hold_wait(call, position=None, estimate=None)
    return hold_wait(call, position=standing.position, estimate=standing.forecast.estimate)


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
