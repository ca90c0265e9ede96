"""Hold: the `<Enqueue>`, its waitUrl document, and leaving the line to be called back.

Twilio runs the waitUrl document while the caller is enqueued and allows only Play, Say,
Pause, Hangup, Redirect, Leave and Gather in it. The document is a `<Gather>` wrapping
the announcement, the offer and the music, so a key pressed at any moment, even during
the music, reaches `Step.HOLD_KEY`; then a `<Redirect>` back to the waitUrl starts the
next round. Each round is one announcement, so the music track sets its period.

The position is the caller's place in our one line (callbacks and callers on hold, by
priority, then virtual start), the same every channel reads. A worse position is never
announced without its reason: when more people are ahead than at the last announcement,
the reasons are read after the position (someone of higher priority joined, a callback
came back for its retry or its booked time, someone was given back their earlier place),
and if there is no reason to give, neither the position nor the wait is said in that
round: the caller hears the thanks and the offer, and the last announcement stands.
"""

from __future__ import annotations

from callback.estimate import Estimate
from callback.ordering import MoveReason, Position, is_said
from ivr.apology import HOLD_MUSIC, apology_line
from ivr.call import QueueCall
from ivr.links import Step
from ivr.speech import Speaker
from ivr.twiml import Document, Line

DEFAULT_HOLD_MUSIC = HOLD_MUSIC
"""Twilio's public classical hold music, used unless a deployment sets its own."""
CALLBACK_DIGIT = 1
"""The key that turns a caller on hold into a callback request."""
_AFTER_MUSIC = 2
"""Seconds the hold `<Gather>` waits for a key after the music, before the next round."""


def reason_key(reason: MoveReason) -> str:
    """The prompt explaining why someone came ahead for `reason`."""
    match reason:
        case MoveReason.PRIORITY:
            return "moved_back_priority"
        case MoveReason.SLOT_DUE:
            return "moved_back_slot"
        case MoveReason.RETRY:
            return "moved_back_retry"
        case MoveReason.EARLIER_ARRIVAL:
            return "moved_back_earlier"


def announces(position: Position) -> bool:
    """Whether `position` is said: not when it is worse than announced and nobody says why."""
    return is_said(position)


def position_lines(speaker: Speaker, position: Position, key: str = "position") -> list[Line]:
    """The position said with prompt `key`, then the reasons if it is worse than announced.

    Empty when the position is worse and there is no reason to give: it is not announced.
    """
    if not announces(position):
        return []
    lines = [speaker.line(key, position=position.number)]
    if position.moved_back:
        lines.extend(speaker.line(reason_key(reason)) for reason in position.reasons)
    return lines


def _announcement(speaker: Speaker, position: Position | None) -> list[Line]:
    lines = [] if position is None else position_lines(speaker, position, "hold_announcement")
    return lines or [speaker.line("hold_thanks")]


def enqueue(doc: Document, call: QueueCall) -> None:
    """Put the caller on hold in the queue's Twilio queue, with our waitUrl and action."""
    doc.enqueue(call.queue, wait_url=call.url(Step.HOLD_WAIT), action=call.url(Step.QUEUE_RESULT))


def apology_on_hold(call: QueueCall) -> str:
    """The apology after a failure, then hold in the one line (the waitUrl joins the caller
    to it): without the waitUrl the caller would wait where no agent is ever offered them."""
    doc = Document()
    doc.say(apology_line(call.speaker))
    enqueue(doc, call)
    return doc.xml()


def hold(call: QueueCall) -> str:
    """The document that puts the caller on hold."""
    doc = Document()
    enqueue(doc, call)
    return doc.xml()


def hold_wait(
    call: QueueCall,
    *,
    position: Position | None,
    estimate: Estimate | None,
    music: str = DEFAULT_HOLD_MUSIC,
    announce: bool = True,
) -> str:
    """The waitUrl document: announcement, callback offer and music, then round again."""
    doc = Document()
    prompt = doc.gather(call.url(Step.HOLD_KEY), timeout=_AFTER_MUSIC)
    if announce:
        prompt.says(_announcement(call.speaker, position))
        if estimate is not None and (position is None or announces(position)):
            prompt.say(call.speaker.wait(estimate))
        prompt.say(call.speaker.line("hold_offer", digit=CALLBACK_DIGIT))
    prompt.play(music)
    doc.redirect(call.url(Step.HOLD_WAIT))
    return doc.xml()


def leave_hold() -> str:
    """The answer to the callback key on hold: `<Leave>`, so the Enqueue action takes over."""
    doc = Document()
    doc.leave()
    return doc.xml()


def queue_gone(call: QueueCall) -> str:
    """The waitUrl document for a caller whose queue a config edit removed: say so, leave.

    `call` is the queue they are moved to; the Enqueue action (`Step.QUEUE_RESULT`) then
    routes them there (`moved`).
    """
    doc = Document()
    doc.say(call.speaker.line("hold_queue_moved"))
    doc.leave()
    return doc.xml()


def moved(call: QueueCall, *, open_now: bool) -> str:
    """After leaving a removed queue: hold in `call`'s queue, or its voicemail when closed."""
    if open_now:
        return hold(call)
    doc = Document()
    doc.say(call.speaker.line("closed_no_opening"))
    doc.redirect(call.url(Step.VOICEMAIL))
    return doc.xml()
