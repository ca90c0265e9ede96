"""Voicemail: the recording becomes a callback request; its transcription follows later.

A caller whose caller ID cannot be called back (hidden, withheld, invalid) keys in a
number first, through the number capture (`Link.after` brings it back here), and the
confirmed number travels in the recording's links. A caller who gives none still leaves
a message: it is kept in the voicemail table for a supervisor (`GET /api/v1/voicemails`),
since there is no number to call back, and its transcription follows it there.
"""

from __future__ import annotations

import logging
import re

from callback.numbers import AcceptedNumber
from callback.request import CallbackRequest, ContextEntry
from callback.service.admission import Refused
from callback.store.voicemails import Recording
from callback.types import Channel, QueueName
from ivr import voicemail
from ivr.call import QueueCall
from webhooks.twilio.booking import book
from webhooks.twilio.guard import Reply
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")
_URL = re.compile(r"https?://[^\s]{1,500}")
MAX_TRANSCRIPTION = 2000
MAX_SECONDS = 24 * 3600
"""A cap on the reported length, far above any recording Twilio makes (a 32-bit column)."""


def record(turn: Turn) -> str:
    """`Step.VOICEMAIL`: a number first if the caller ID is unusable, else the `<Record>`."""
    call = turn.call()
    if turn.caller(call.queue) is None:
        return voicemail.ask_callback_number(call)
    return voicemail.record_message(call)


def callback_number(turn: Turn) -> AcceptedNumber | None:
    """The number a voicemail is called back on: the keyed one in the link, else the caller ID."""
    keyed = turn.step.digits
    if keyed is None:
        return turn.caller_number()
    return turn.accepted(keyed)


def recorded(turn: Turn) -> str:
    """`Step.RECORDED`: store the message as a callback request, then thank the caller."""
    call = turn.call()
    url = turn.field("RecordingUrl")
    if not _URL.fullmatch(url):
        log.warning("voicemail of call %s not stored: no usable recording URL", turn.call_sid)
        return voicemail.voicemail_saved(call)
    number = callback_number(turn)
    seconds = _seconds(turn)
    if number is None:
        _keep_without_number(turn, call, url, seconds)
        return voicemail.voicemail_saved(call)
    data = {"source": "voicemail", "recording_url": url, "recording_seconds": seconds}
    if isinstance(book(turn, call, number, None, data, voicemail=True), Refused):
        # The limits say no callback to that number: the message still reaches a supervisor.
        _keep_without_number(turn, call, url, seconds)
    return voicemail.voicemail_saved(call)


def _seconds(turn: Turn) -> int:
    duration = turn.field("RecordingDuration")
    return min(int(duration), MAX_SECONDS) if duration.isdecimal() else 0


def _keep_without_number(turn: Turn, call: QueueCall, url: str, seconds: int) -> None:
    # Twilio always signs a CallSid in; the RecordingSid stands in for one that is missing.
    sid = (turn.call_sid or turn.field("RecordingSid"))[:64]
    if not sid:
        log.warning("voicemail not stored: neither CallSid nor RecordingSid")
        return
    recording = Recording(sid, QueueName(call.queue), call.speaker.code, url, seconds)
    kept = turn.svc.voicemails.keep(recording, turn.now)
    log.info("voicemail %d of call %s kept without a callback number", kept.id, sid)


def recording_status(turn: Turn) -> Reply:
    """`Step.RECORDING`: the file is ready; nothing to answer."""
    sid = turn.field("RecordingSid") or turn.call_sid
    turn.svc.calls.note(sid[:64], "recording", turn.field("RecordingStatus")[:32], turn.now)
    return None


def transcription(turn: Turn) -> Reply:
    """`Step.TRANSCRIPTION`: add the text to the caller's pending request, else to the message."""
    text = turn.field("TranscriptionText")[:MAX_TRANSCRIPTION]
    if not text:
        return None
    number = callback_number(turn)
    request = None if number is None else turn.svc.store.active_for(turn.queue, number.e164)
    # Only the request this call booked: a refused voicemail was kept without a number.
    if request is not None and _booked_by(request, turn.call_sid[:64]):
        entry = ContextEntry(Channel.IVR, turn.now, {"transcription": text})
        turn.svc.store.add_context(request.id, entry, turn.now)
    elif turn.call_sid:
        turn.svc.voicemails.add_transcription(turn.call_sid[:64], text)
    return None


def _booked_by(request: CallbackRequest, call_sid: str) -> bool:
    return bool(call_sid) and any(e.data.get("call_sid") == call_sid for e in request.contexts)
