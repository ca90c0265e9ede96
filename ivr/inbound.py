"""An incoming call: greeting, closed hours, language and reason menus, the wait and the offer.

The first document greets the caller and then, in order: closed hours (with the next
opening, a scheduled callback and a voicemail); the language menu when the queue offers
more than one language; the reason menu when the queue has reasons; and the caller's
position with the estimated wait. When the expected wait is longer than the queue's
`offer_threshold` the caller is offered a callback (or a later time); otherwise, and when
no key is pressed, the caller goes straight to hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callback.config.queue import QueueConfig
from callback.estimate import Estimate
from callback.hours import Schedule
from callback.ordering import Position
from ivr.call import QueueCall
from ivr.hold import enqueue
from ivr.links import Step
from ivr.menu import menu
from ivr.spoken import clock
from ivr.twiml import Document

CALLBACK_DIGIT = 1
"""The key that asks for a callback as soon as possible."""
SCHEDULE_DIGIT = 2
"""The key that asks for a callback at a chosen time."""
VOICEMAIL_DIGIT = 2
"""On the closed-hours menu, the key that leaves a voicemail (1 books a time)."""


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a caller would stand in line: their position and the estimated wait."""

    position: Position
    estimate: Estimate


def _greet(doc: Document, call: QueueCall) -> None:
    doc.say(call.speaker.line("greeting", company=call.company))


def _closed_notice(doc: Document, call: QueueCall, now: datetime, schedule: Schedule) -> None:
    opening = schedule.next_opening(now)
    if opening is None:
        doc.say(call.speaker.line("closed_no_opening"))
        return
    closure = schedule.closure_on(now.astimezone(call.zone).date())
    key = "holiday_closed" if closure is not None and not closure.hours else "closed"
    day = call.speaker.day(opening, now, call.zone)
    doc.say(call.speaker.line(key, day=day, time=clock(opening, call.zone)))


def _closed_menu(doc: Document, call: QueueCall, *, attempt: int, slots: bool) -> None:
    prompt = menu(doc, call, call.link(Step.CLOSED, attempt=attempt))
    if slots:
        prompt.say(call.speaker.line("closed_callback_offer", digit=CALLBACK_DIGIT))
    prompt.say(call.speaker.line("voicemail_offer", digit=VOICEMAIL_DIGIT))


def closed(
    call: QueueCall, *, now: datetime, schedule: Schedule, slots: bool, attempt: int = 0
) -> str:
    """Closed hours: when we open again, then book a time (when `slots`) or leave a message."""
    doc = Document()
    if attempt == 0:
        _closed_notice(doc, call, now, schedule)
    _closed_menu(doc, call, attempt=attempt, slots=slots)
    return doc.xml()


def language_menu(call: QueueCall, *, attempt: int = 0) -> str:
    """The language menu again, after a wrong key or silence."""
    doc = Document()
    _languages(doc, call, attempt)
    return doc.xml()


def _languages(doc: Document, call: QueueCall, attempt: int) -> None:
    prompt = menu(doc, call, call.link(Step.LANGUAGE, attempt=attempt))
    for digit, code in enumerate(call.settings.languages, start=1):
        prompt.say(call.speaker_for(code).line("language_menu", digit=digit))


def language_digits(call: QueueCall) -> dict[str, str]:
    """The language code each key of the language menu chooses."""
    return {str(digit): code for digit, code in enumerate(call.settings.languages, start=1)}


def reason_menu(call: QueueCall, *, attempt: int = 0) -> str:
    """The reason menu again, after a wrong key or silence."""
    doc = Document()
    _reasons(doc, call, attempt)
    return doc.xml()


def _reasons(doc: Document, call: QueueCall, attempt: int) -> None:
    prompt = menu(doc, call, call.link(Step.REASON, attempt=attempt))
    for digit, reason in call.settings.reasons.items():
        label = reason.label_for(call.language)
        prompt.say(call.speaker.line("reason_menu", reason=label, digit=digit))


def _standing(doc: Document, call: QueueCall, standing: Standing | None, *, slots: bool) -> None:
    if standing is None:  # no estimate can be made (nobody planned): hold without promises
        enqueue(doc, call)
        return
    lines = [
        call.speaker.line("position", position=standing.position.number),
        call.speaker.wait(standing.estimate),
    ]
    if standing.estimate.wait <= call.policy.offer_threshold:
        doc.says(lines)
        enqueue(doc, call)
        return
    prompt = doc.gather(call.url(Step.OFFER))
    prompt.says(lines)
    prompt.say(call.speaker.line("callback_offer", digit=CALLBACK_DIGIT))
    if slots:
        prompt.say(call.speaker.line("scheduled_offer", digit=SCHEDULE_DIGIT))
    enqueue(doc, call)


def _after_language(doc: Document, call: QueueCall, standing: Standing | None, slots: bool) -> None:
    if call.settings.reasons:
        _reasons(doc, call, 0)
    else:
        _standing(doc, call, standing, slots=slots)


@dataclass(frozen=True, slots=True)
class Needs:
    """What `welcome` will speak, so the caller computes only that (it costs queries)."""

    standing: bool
    slots: bool


def welcome_needs(settings: QueueConfig, *, now: datetime, schedule: Schedule) -> Needs:
    """Which inputs `welcome` uses for a call to this queue: it mirrors welcome's branches.

    It takes the queue's settings, not a `QueueCall`: a caller whose greeting is already
    built need not build the call context at all.
    """
    if not schedule.is_open(now):
        return Needs(standing=False, slots=True)
    if len(settings.languages) > 1 or settings.reasons:
        return Needs(standing=False, slots=False)
    return Needs(standing=True, slots=True)


def welcome(
    call: QueueCall,
    *,
    now: datetime,
    schedule: Schedule,
    standing: Standing | None,
    slots: bool,
) -> str:
    """The answer to an incoming call.

    `standing` is None when no wait can be estimated (nobody planned): the caller then
    goes to hold without a promise. `slots` says whether any callback time can be booked.
    """
    doc = Document()
    _greet(doc, call)
    if not schedule.is_open(now):
        _closed_notice(doc, call, now, schedule)
        _closed_menu(doc, call, attempt=0, slots=slots)
    elif len(call.settings.languages) > 1:
        _languages(doc, call, 0)
    else:
        _after_language(doc, call, standing, slots)
    return doc.xml()


def language_chosen(call: QueueCall, *, standing: Standing | None, slots: bool) -> str:
    """After the language menu (in the chosen language): the reasons, or the wait."""
    doc = Document()
    _after_language(doc, call, standing, slots)
    return doc.xml()


def reason_chosen(call: QueueCall, *, standing: Standing | None, slots: bool) -> str:
    """After the reason menu: position, wait, and the callback offer or hold."""
    doc = Document()
    _standing(doc, call, standing, slots=slots)
    return doc.xml()
