"""Voicemail: the recording becomes a callback request; its transcription follows later.

A caller whose caller ID cannot be called back (hidden, withheld, invalid) keys in a
number first, through the number capture (`Link.after` brings it back here), and the
confirmed number travels in the recording's links. A caller who gives none still leaves
a message: it is kept as a call event of kind `VOICEMAIL_NOTE` (the recording's URL),
since there is no number to call back.
"""

from __future__ import annotations

import logging
import re

from callback.numbers import AcceptedNumber, check_number
from callback.request import ContextEntry
from callback.types import E164, Channel, QueueName
from ivr import voicemail
from webhooks.twilio.booking import book
from webhooks.twilio.guard import Reply
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")
_URL = re.compile(r"https?://[^\s]{1,500}")
MAX_TRANSCRIPTION = 2000
VOICEMAIL_NOTE = "voicemail"
"""The call event kind of a message left without a number to call back."""


def record(turn: Turn) -> str:
    """`Step.VOICEMAIL`: a number first if the caller ID is unusable, else the `<Record>`."""
    call = turn.call()
    if turn.caller(call.queue) is None:
        return voicemail.ask_callback_number(call)
    return voicemail.record_message(call)


def callback_number(turn: Turn) -> E164 | None:
    """The number a voicemail is called back on: the keyed one in the link, else the caller ID."""
    keyed = turn.step.digits
    if keyed is None:
        return turn.caller()
    region = turn.config.queues[turn.queue].region
    checked = check_number(keyed, region, turn.config.number_policy())
    return checked.e164 if isinstance(checked, AcceptedNumber) else None


def recorded(turn: Turn) -> str:
    """`Step.RECORDED`: store the message as a callback request, then thank the caller."""
    call = turn.call()
    url = turn.field("RecordingUrl")
    if not _URL.fullmatch(url):
        log.warning("voicemail of call %s not stored: no usable recording URL", turn.call_sid)
        return voicemail.voicemail_saved(call)
    number = callback_number(turn)
    if number is None:
        _keep_without_number(turn, url)
        return voicemail.voicemail_saved(call)
    duration = turn.field("RecordingDuration")
    seconds = int(duration) if duration.isdecimal() else 0
    data = {"source": "voicemail", "recording_url": url, "recording_seconds": seconds}
    book(turn, call, number, None, data, voicemail=True)
    return voicemail.voicemail_saved(call)


def _keep_without_number(turn: Turn, url: str) -> None:
    sid = turn.call_sid[:64] or "unknown"
    turn.svc.calls.note(sid, VOICEMAIL_NOTE, url, turn.now)
    log.info("voicemail of call %s kept without a callback number", sid)


def recording_status(turn: Turn) -> Reply:
    """`Step.RECORDING`: the file is ready; nothing to answer."""
    sid = turn.field("RecordingSid") or turn.call_sid
    turn.svc.calls.note(sid[:64], "recording", turn.field("RecordingStatus")[:32], turn.now)
    return None


def transcription(turn: Turn) -> Reply:
    """`Step.TRANSCRIPTION`: add the text to the caller's pending request."""
    text = turn.field("TranscriptionText")[:MAX_TRANSCRIPTION]
    number = callback_number(turn)
    if not text or number is None:
        return None
    request = turn.svc.store.active_for(QueueName(turn.queue), number)
    if request is not None:
        entry = ContextEntry(Channel.IVR, turn.now, {"transcription": text})
        turn.svc.store.add_context(request.id, entry, turn.now)
    return None
