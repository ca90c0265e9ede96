"""A caller with a pending callback: keep it, cancel it, or wait on the line."""

from __future__ import annotations

from callback.store.records import StateConflict
from callback.types import E164, RequestId, State, is_e164
from ivr import recognise
from ivr.hold import hold
from webhooks.twilio.booking import next_try
from webhooks.twilio.turn import Turn


def caller_key(turn: Turn) -> E164 | None:
    """The caller ID as it would be stored on a callback request, to look one up by it.

    Twilio sends caller IDs in E.164, the form every stored number has, so an exact match
    suffices; the number policy (far costlier) runs only when a number is taken.
    """
    raw = turn.field("From")
    return E164(raw) if is_e164(raw) else None


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
