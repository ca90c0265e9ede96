"""Voicemail: record a message that becomes a callback request, then thank the caller.

The recording's URL and duration come to `Step.RECORDED` (the `<Record>` action) and to
`Step.RECORDING` (its status callback, once the file is ready). Twilio transcribes
recordings only from 2 to 120 seconds long (its warning 13617 for any other length), and
we ask for a transcription only for English, the language Twilio's recording
transcription is offered for; other languages keep the recording alone, which the agent
hears before calling back. When nothing is recorded Twilio goes on to the next verb,
which says so and ends the call.
"""

from __future__ import annotations

from ivr.call import QueueCall
from ivr.links import Step
from ivr.menu import goodbye
from ivr.twiml import Document, Recording

DEFAULT_MAX_LENGTH = 120
"""Seconds a voicemail may last: long enough for a message, short enough to transcribe."""
TRANSCRIBE_MAX_LENGTH = 120
"""The longest recording Twilio transcribes, in seconds."""


def transcribable(call: QueueCall, max_length: int) -> bool:
    """True when Twilio can transcribe a voicemail of `max_length` in the caller's language."""
    return call.speaker.say_language.startswith("en") and max_length <= TRANSCRIBE_MAX_LENGTH


def voicemail(
    call: QueueCall, *, max_length: int = DEFAULT_MAX_LENGTH, transcribe: bool = True
) -> str:
    """The prompt, then `<Record>` ended by "#", with status and transcription callbacks."""
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1 second, got {max_length}")
    wanted = transcribe and transcribable(call, max_length)
    doc = Document()
    doc.say(call.speaker.line("voicemail_prompt"))
    doc.record(
        Recording(
            action=call.url(Step.RECORDED),
            status_callback=call.url(Step.RECORDING),
            max_length=max_length,
            transcribe_callback=call.url(Step.TRANSCRIPTION) if wanted else None,
        )
    )
    doc.say(call.speaker.line("voicemail_none"))
    goodbye(doc, call)
    return doc.xml()


def voicemail_saved(call: QueueCall) -> str:
    """Thanks for the message, then goodbye."""
    doc = Document()
    doc.say(call.speaker.line("voicemail_thanks"))
    goodbye(doc, call)
    return doc.xml()
