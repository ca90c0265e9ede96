"""Number capture: confirm the caller ID or key a number, read it back, then book."""

from __future__ import annotations

import re

from callback.numbers import AcceptedNumber, Refusal, RefusedNumber, check_number
from ivr import capture, voicemail
from ivr.call import QueueCall
from ivr.hold import hold
from ivr.links import Step
from webhooks.twilio.booking import book, confirmation, next_try
from webhooks.twilio.turn import Turn

YES, NO = "1", "2"
_KEYED = re.compile(r"[0-9]{1,20}")


def _book(turn: Turn, call: QueueCall, number: AcceptedNumber) -> str:
    record = turn.svc.calls.get(turn.call_sid) if turn.call_sid else None
    slot = record.slot if record is not None else None
    booked = book(turn, call, number, slot, {"source": "phone"})
    return confirmation(turn, call, booked)


def caller_id(turn: Turn) -> str:
    """`Step.CALLER_ID`: 1 books on the caller ID, 2 keys another number."""
    call = turn.call()
    caller = turn.caller_number(call.queue)
    if caller is None or turn.digits == NO:
        return capture.ask_number(call)
    if turn.digits == YES:
        # Limited exactly as a keyed number would be: anyone can present any caller ID.
        return _book(turn, call, caller)
    attempt = next_try(turn.step, turn.digits)
    if attempt is None:
        return capture.ask_number(call)
    return capture.confirm_caller_id(call, caller.e164, attempt=attempt)


def _judge(turn: Turn, call: QueueCall, keyed: str) -> AcceptedNumber | RefusedNumber:
    if not keyed:
        return RefusedNumber(Refusal.EMPTY, "nothing keyed")
    if not _KEYED.fullmatch(keyed):
        return RefusedNumber(Refusal.NOT_A_NUMBER, "not digits")
    return check_number(keyed, call.settings.region, turn.config.number_policy())


def _refused(call: QueueCall, refused: RefusedNumber, failures: int, after: Step | None) -> str:
    if after is Step.VOICEMAIL and failures >= capture.MAX_NUMBER_FAILURES:
        return voicemail.message_without_number(call, refused.reason)
    return capture.number_refused(call, refused.reason, failures=failures, after=after)


def number(turn: Turn) -> str:
    """`Step.NUMBER`: a keyed number is read back, or refused with its reason."""
    call = turn.call()
    after = turn.step.after
    keyed = turn.digits.removesuffix("#")
    judged = _judge(turn, call, keyed)
    if isinstance(judged, RefusedNumber):
        return _refused(call, judged, turn.step.attempt + 1, after)
    return capture.read_back(call, keyed, after=after)


def _confirmed(turn: Turn, call: QueueCall, keyed: str, number: AcceptedNumber) -> str:
    if turn.step.after is Step.VOICEMAIL:
        return voicemail.record_message(call, number=keyed)
    return _book(turn, call, number)


def number_confirm(turn: Turn) -> str:
    """`Step.NUMBER_CONFIRM`: 1 uses the keyed number (checked again), 2 keys it again."""
    call = turn.call()
    after = turn.step.after
    keyed = turn.step.digits or ""
    if turn.digits == YES:
        judged = _judge(turn, call, keyed)
        if isinstance(judged, AcceptedNumber):
            return _confirmed(turn, call, keyed, judged)
        return _refused(call, judged, 1, after)
    attempt = next_try(turn.step, turn.digits)
    if turn.digits == NO or attempt is None:
        return capture.ask_number(call, after=after)
    return capture.read_back(call, keyed, attempt=attempt, after=after)


def way_out(turn: Turn) -> str:
    """`Step.WAY_OUT`: 2 records a message at once (no third number); anything else holds."""
    call = turn.call()
    if turn.digits == str(capture.VOICEMAIL_DIGIT):
        return voicemail.record_message(call)
    return hold(call)
