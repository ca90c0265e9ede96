"""The answer to a voice webhook that failed inside: a short apology, then the live queue.

It must work when nothing else does, so it needs no config: without a speaker it says a
built-in English text, and it enqueues without a waitUrl (Twilio then plays its own hold
music) or action, so that no further request to a failing service is needed.
"""

from __future__ import annotations

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


def _apology_line(speaker: Speaker | None) -> Line:
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
    doc.say(_apology_line(speaker))
    doc.enqueue(name, wait_url=None, action=None)
    return doc.xml()
