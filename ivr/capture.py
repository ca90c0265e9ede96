"""Number capture: confirm the caller ID, or key in a number, read it back and confirm it.

A usable caller ID is confirmed by its last four digits ("1" yes, "2" another number).
A hidden, anonymous or refused caller ID goes straight to keying in a number, ended by
"#". A keyed number the policy refuses is answered with the reason in words and another
try; after `MAX_NUMBER_FAILURES` refusals (silence counts as an empty number) the caller
gets a clear way out: hold in the live queue (also the default) or a voicemail.
"""

from __future__ import annotations

from callback.numbers import Refusal
from ivr.call import QueueCall
from ivr.hold import enqueue
from ivr.links import Step
from ivr.menu import NUMBER_TIMEOUT, menu
from ivr.spoken import grouped_digits, last_digits
from ivr.twiml import Document

MAX_NUMBER_FAILURES = 2
"""Refused numbers before the caller is offered the way out."""
HOLD_DIGIT = 1
"""On the way-out menu, the key that waits on the line."""
VOICEMAIL_DIGIT = 2
"""On the way-out menu, the key that leaves a voicemail."""


def refusal_key(refusal: Refusal) -> str:
    """The prompt giving the reason a number was refused, in words a caller understands."""
    match refusal:
        case Refusal.EMPTY:
            return "number_refused_empty"
        case Refusal.REGION_NOT_ALLOWED:
            return "number_refused_region"
        case Refusal.TYPE_NOT_ALLOWED:
            return "number_refused_type"
        case Refusal.EMERGENCY_OR_SHORT_CODE:
            return "number_refused_short"
        case Refusal.OWN_NUMBER:
            return "number_refused_own"
        case Refusal.BLOCKED:
            return "number_refused_blocked"
        case (
            Refusal.TOO_LONG
            | Refusal.NOT_A_NUMBER
            | Refusal.INVALID
            | Refusal.EXTENSION
            | Refusal.NOT_PSTN
        ):
            return "number_refused_invalid"


def confirm_caller_id(call: QueueCall, caller: str, *, attempt: int = 0) -> str:
    """ "Shall we call you back on the number ending in 4 5 6 7?" (1 yes, 2 another)."""
    doc = Document()
    prompt = menu(doc, call, call.link(Step.CALLER_ID, attempt=attempt))
    prompt.say(call.speaker.line("confirm_number", digits=last_digits(caller)))
    return doc.xml()


def ask_number(
    call: QueueCall,
    *,
    refusal: Refusal | None = None,
    failures: int = 0,
    after: Step | None = None,
    preface: str | None = None,
) -> str:
    """Key in a number ended by "#"; silence comes back as an empty number.

    `after` is the step the confirmed number leads to (None: book a callback); `preface`
    is a prompt key said first, such as why the number is needed.
    """
    doc = Document()
    if preface is not None:
        doc.say(call.speaker.line(preface))
    if refusal is not None:
        doc.say(call.speaker.line(refusal_key(refusal)))
    url = call.url(Step.NUMBER, attempt=failures, after=after)
    prompt = doc.gather(url, digits=None, finish_on_key="#", timeout=NUMBER_TIMEOUT)
    prompt.say(call.speaker.line("enter_number"))
    doc.redirect(url)
    return doc.xml()


def start_capture(call: QueueCall, caller: str | None) -> str:
    """The first capture step: confirm a usable caller ID, else key in a number."""
    if caller is None:
        return ask_number(call)
    return confirm_caller_id(call, caller)


def read_back(call: QueueCall, keyed: str, *, attempt: int = 0, after: Step | None = None) -> str:
    """ "You entered 0 7 9 4, ..." then 1 to use it or 2 to key it in again."""
    doc = Document()
    link = call.link(Step.NUMBER_CONFIRM, attempt=attempt, digits=keyed, after=after)
    prompt = menu(doc, call, link)
    prompt.say(call.speaker.line("number_readback", digits=grouped_digits(keyed)))
    prompt.say(call.speaker.line("confirm_entered"))
    return doc.xml()


def way_out(call: QueueCall, refusal: Refusal | None = None) -> str:
    """After repeated refusals: the last reason, then hold (the default) or a voicemail."""
    doc = Document()
    if refusal is not None:
        doc.say(call.speaker.line(refusal_key(refusal)))
    doc.say(call.speaker.line("number_gave_up"))
    return _hold_or_voicemail(doc, call)


def callback_refused(call: QueueCall) -> str:
    """No callback can be arranged to that number now: hold (the default) or a voicemail."""
    doc = Document()
    doc.say(call.speaker.line("callback_unavailable"))
    return _hold_or_voicemail(doc, call)


def _hold_or_voicemail(doc: Document, call: QueueCall) -> str:
    prompt = doc.gather(call.url(Step.WAY_OUT))
    prompt.say(call.speaker.line("hold_instead", digit=HOLD_DIGIT))
    prompt.say(call.speaker.line("voicemail_offer", digit=VOICEMAIL_DIGIT))
    enqueue(doc, call)
    return doc.xml()


def number_refused(
    call: QueueCall, refusal: Refusal, *, failures: int, after: Step | None = None
) -> str:
    """After the `failures`-th refused number: the reason and another try, or the way out."""
    if failures >= MAX_NUMBER_FAILURES:
        return way_out(call, refusal)
    return ask_number(call, refusal=refusal, failures=failures, after=after)
