"""Number capture: confirm the caller ID or key a number, read it back, then book."""

from __future__ import annotations

import re

from callback.numbers import AcceptedNumber, Refusal, RefusedNumber, check_number
from callback.types import E164
from ivr import capture
from ivr.call import QueueCall
from ivr.hold import hold
from ivr.voicemail import voicemail
from webhooks.twilio.booking import book, confirmation, next_try
from webhooks.twilio.turn import Turn

YES, NO = "1", "2"
_KEYED = re.compile(r"[0-9]{1,20}")


def _book(turn: Turn, call: QueueCall, number: E164) -> str:
    record = turn.svc.calls.get(turn.call_sid) if turn.call_sid else None
    slot = record.slot if record is not None else None
    booked = book(turn, call, number, slot, {"source": "phone"})
    return confirmation(turn, call, booked)


def caller_id(turn: Turn) -> str:
    """`Step.CALLER_ID`: 1 books on the caller ID, 2 keys another number."""
    call = turn.call()
    caller = turn.caller(call.queue)
    if caller is None or turn.digits == NO:
        return capture.ask_number(call)
    if turn.digits == YES:
        return _book(turn, call, caller)
    attempt = next_try(turn.step, turn.digits)
    if attempt is None:
        return capture.ask_number(call)
    return capture.confirm_caller_id(call, caller, attempt=attempt)


def _judge(turn: Turn, call: QueueCall, keyed: str) -> AcceptedNumber | RefusedNumber:
    if not keyed:
        return RefusedNumber(Refusal.EMPTY, "nothing keyed")
    if not _KEYED.fullmatch(keyed):
        return RefusedNumber(Refusal.NOT_A_NUMBER, "not digits")
    return check_number(keyed, call.settings.region, turn.config.number_policy())


def number(turn: Turn) -> str:
    """`Step.NUMBER`: a keyed number is read back, or refused with its reason."""
    call = turn.call()
    keyed = turn.digits.removesuffix("#")
    judged = _judge(turn, call, keyed)
    if isinstance(judged, RefusedNumber):
        failures = turn.step.attempt + 1
        return capture.number_refused(call, judged.reason, failures=failures)
    return capture.read_back(call, keyed)


def number_confirm(turn: Turn) -> str:
    """`Step.NUMBER_CONFIRM`: 1 books the keyed number (checked again), 2 keys it again."""
    call = turn.call()
    keyed = turn.step.digits or ""
    if turn.digits == YES:
        judged = _judge(turn, call, keyed)
        if isinstance(judged, AcceptedNumber):
            return _book(turn, call, judged.e164)
        return capture.number_refused(call, judged.reason, failures=1)
    attempt = next_try(turn.step, turn.digits)
    if turn.digits == NO or attempt is None:
        return capture.ask_number(call)
    return capture.read_back(call, keyed, attempt=attempt)


def way_out(turn: Turn) -> str:
    """`Step.WAY_OUT`: 2 leaves a voicemail; anything else waits on the line."""
    call = turn.call()
    if turn.digits == str(capture.VOICEMAIL_DIGIT):
        return voicemail(call)
    return hold(call)
