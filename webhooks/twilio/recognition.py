"""A caller with a pending callback: keep it, cancel it, or wait on the line."""

from __future__ import annotations

from callback.store.records import StateConflict
from callback.types import RequestId, State
from ivr import recognise
from ivr.hold import hold
from webhooks.twilio.booking import next_try
from webhooks.twilio.turn import Turn


def recognised(turn: Turn) -> str:
    """`Step.RECOGNISED`: 1 keeps, 2 cancels, 3 holds (the callback stays as a safety net)."""
    call = turn.call()
    request_id = turn.step.request
    request = turn.svc.store.get(RequestId(request_id)) if request_id is not None else None
    if request is None or request.is_final:
        return hold(call)
    if turn.digits == str(recognise.CANCEL_DIGIT):
        try:
            turn.svc.store.transition(request.id, State.CANCELLED, turn.now)
        except (StateConflict, ValueError):
            return hold(call)
        return recognise.cancelled(call)
    if turn.digits == str(recognise.WAIT_DIGIT):
        return hold(call)
    attempt = next_try(turn.step, turn.digits)
    if turn.digits == str(recognise.KEEP_DIGIT) or attempt is None:
        return recognise.kept(call)
    position = turn.svc.store.position(request.id, turn.now)
    return recognise.recognised(
        call, now=turn.now, request=request, position=position, attempt=attempt
    )
