"""Voicemail: the recording becomes a callback request; its transcription follows later."""

from __future__ import annotations

import logging
import re

from callback.request import ContextEntry
from callback.types import Channel, QueueName
from ivr import voicemail
from webhooks.twilio.booking import book
from webhooks.twilio.guard import Reply
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")
_URL = re.compile(r"https?://[^\s]{1,500}")
MAX_TRANSCRIPTION = 2000


def record(turn: Turn) -> str:
    """`Step.VOICEMAIL`: the prompt and the `<Record>`."""
    return voicemail.voicemail(turn.call())


def recorded(turn: Turn) -> str:
    """`Step.RECORDED`: store the message as a callback request, then thank the caller."""
    call = turn.call()
    url = turn.field("RecordingUrl")
    duration = turn.field("RecordingDuration")
    caller = turn.caller(call.queue)
    if caller is None or not _URL.fullmatch(url):
        log.warning("voicemail of call %s not stored: no usable number or URL", turn.call_sid)
        return voicemail.voicemail_saved(call)
    seconds = int(duration) if duration.isdecimal() else 0
    data = {"source": "voicemail", "recording_url": url, "recording_seconds": seconds}
    book(turn, call, caller, None, data, promise=False)
    return voicemail.voicemail_saved(call)


def recording_status(turn: Turn) -> Reply:
    """`Step.RECORDING`: the file is ready; nothing to answer."""
    sid = turn.field("RecordingSid") or turn.call_sid
    turn.svc.calls.note(sid[:64], "recording", turn.field("RecordingStatus")[:32], turn.now)
    return None


def transcription(turn: Turn) -> Reply:
    """`Step.TRANSCRIPTION`: add the text to the caller's pending request."""
    text = turn.field("TranscriptionText")[:MAX_TRANSCRIPTION]
    caller = turn.caller()
    if not text or caller is None:
        return None
    request = turn.svc.store.active_for(QueueName(turn.queue), caller)
    if request is not None:
        entry = ContextEntry(Channel.IVR, turn.now, {"transcription": text})
        turn.svc.store.add_context(request.id, entry, turn.now)
    return None
