"""Voicemail: record a message that becomes a callback request, then thank the caller.

The recording's URL and duration come to `Step.RECORDED` (the `<Record>` action) and to
`Step.RECORDING` (its status callback, once the file is ready). Twilio transcribes
recordings only from 2 to 120 seconds long (its warning 13617 for any other length), and
we ask for a transcription only for English, the language Twilio's recording
transcription is offered for; other languages keep the recording alone, which the agent
hears before calling back. When nothing is recorded Twilio goes on to the next verb,
which says so and ends the call.

Menus send a caller to voicemail with `voicemail`, a redirect to `Step.VOICEMAIL`: that
route knows the caller ID and asks for a number by keypad first when it is unusable. A
number keyed that way travels in the recording's links (`digits`), checked again there.
"""

from __future__ import annotations

from callback.numbers import Refusal
from ivr.call import QueueCall
from ivr.capture import ask_number, refusal_key
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


def voicemail(call: QueueCall) -> str:
    """Go to voicemail: the route of `Step.VOICEMAIL` decides how the message is taken."""
    doc = Document()
    doc.redirect(call.url(Step.VOICEMAIL))
    return doc.xml()


def record_message(
    call: QueueCall,
    *,
    number: str | None = None,
    prefaces: tuple[str, ...] = (),
    max_length: int = DEFAULT_MAX_LENGTH,
    transcribe: bool = True,
) -> str:
    """The prompt, then `<Record>` ended by "#", with status and transcription callbacks.

    `number` is a keyed callback number, carried to the recording's routes; `prefaces`
    are prompt keys said before the prompt.
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1 second, got {max_length}")
    wanted = transcribe and transcribable(call, max_length)
    doc = Document()
    for key in prefaces:
        doc.say(call.speaker.line(key))
    doc.say(call.speaker.line("voicemail_prompt"))
    doc.record(
        Recording(
            action=call.url(Step.RECORDED, digits=number),
            status_callback=call.url(Step.RECORDING),
            max_length=max_length,
            transcribe_callback=call.url(Step.TRANSCRIPTION, digits=number) if wanted else None,
        )
    )
    doc.say(call.speaker.line("voicemail_none"))
    goodbye(doc, call)
    return doc.xml()


def ask_callback_number(call: QueueCall) -> str:
    """No usable caller ID: say so, then key in the number to call back (number capture)."""
    return ask_number(call, after=Step.VOICEMAIL, preface="voicemail_number_needed")


def message_without_number(call: QueueCall, refusal: Refusal) -> str:
    """The number capture gave up: the last reason, then record a message all the same."""
    prefaces = (refusal_key(refusal), "number_gave_up", "voicemail_without_number")
    return record_message(call, prefaces=prefaces)


def voicemail_saved(call: QueueCall) -> str:
    """Thanks for the message, then goodbye."""
    doc = Document()
    doc.say(call.speaker.line("voicemail_thanks"))
    goodbye(doc, call)
    return doc.xml()
