"""The answer to a voice webhook that failed inside: a short apology, then the live queue.

It must work when nothing else does, so it needs no config: without a speaker it says a
built-in English text, and it enqueues without a waitUrl (Twilio then plays its own hold
music) or action, so that no further request to a failing service is needed.

Some documents run where the live queue is wrong or not even allowed (`after_failure`): a
whisper on the leg of a `<Dial>` (the two parties are bridged without it), the hold
music's waitUrl and the key pressed during it (Twilio allows no `<Enqueue>` there; the caller
keeps their place and hears the music while the waitUrl is asked again), and the end of a
call already held.
"""

from __future__ import annotations

from ivr.links import Step
from ivr.speech import Speaker
from ivr.twiml import Document, Line

FALLBACK_TEXT = (
    "We are sorry, something went wrong on our side. Please stay on the line while we connect you."
)
"""Said when no catalogue can be used."""
FALLBACK_LANGUAGE = "en-GB"
FALLBACK_QUEUE = "holdless"
"""The Twilio queue for callers whose queue is not known either."""
_MAX_QUEUE_NAME = 64  # Twilio's limit on a queue name
HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"
"""Twilio's public hold music: played when the waitUrl failed, so the caller never hears
silence; it needs nothing from this service."""
_BRIDGE_ANYWAY = frozenset({Step.WHISPER, Step.CUSTOMER, Step.LIVE_WHISPER})
_ON_HOLD = frozenset({Step.HOLD_WAIT, Step.HOLD_KEY})
_OVER = frozenset({Step.BRIDGED, Step.SURVEY})


def apology_line(speaker: Speaker | None = None) -> Line:
    """The apology said when something failed inside (the built-in text if need be)."""
    if speaker is not None:
        try:
            return speaker.line("apology_error")
        except (KeyError, ValueError, IndexError):  # a broken catalogue: fall back
            pass
    return Line(FALLBACK_TEXT, FALLBACK_LANGUAGE)


def apology(queue: str | None = None, speaker: Speaker | None = None) -> str:
    """Apologise and put the caller in the live queue `queue` (or the fallback queue)."""
    name = queue if queue and len(queue) <= _MAX_QUEUE_NAME else FALLBACK_QUEUE
    doc = Document()
    doc.say(apology_line(speaker))
    doc.enqueue(name, wait_url=None, action=None)
    return doc.xml()


def puts_on_hold(step: Step | None) -> bool:
    """Whether the answer after a failure at `step` puts the caller in the live queue."""
    return step not in _BRIDGE_ANYWAY | _ON_HOLD | _OVER


def after_failure(step: Step | None, queue: str | None = None) -> str:
    """What a failed voice webhook answers at `step` (None: an inbound call's first turn)."""
    doc = Document()
    if step in _BRIDGE_ANYWAY:
        # A `<Dial>` noun's url may not enqueue; an empty document bridges the two parties.
        return doc.xml()
    if step in _ON_HOLD:
        # A waitUrl (and a key pressed in it) may not enqueue either: the caller keeps their
        # place and hears the music; when it ends Twilio asks the waitUrl again.
        doc.play(HOLD_MUSIC)
        return doc.xml()
    if step in _OVER:
        # The conversation with the agent is over: nothing is left but to end the call.
        doc.hangup()
        return doc.xml()
    return apology(queue)
