"""The whisper: what an agent hears before being connected to a callback customer.

The agent hears the queue and how long the customer has waited, the reason for the call,
which attempt of how many this is, the context the customer gave (IVR choices, a web
form), and the customer's voicemail when they left one. The whisper is spoken in the
language of the call context it is given: routes pass the queue's default language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ivr.call import QueueCall
from ivr.twiml import Document, Prompt


@dataclass(frozen=True, slots=True)
class Briefing:
    """What the agent is told about one callback."""

    waited: timedelta
    attempt: int
    attempts: int
    reason: str | None = None
    context: str | None = None
    recording_url: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.attempt <= self.attempts:
            raise ValueError(f"attempt {self.attempt} is not within 1..{self.attempts}")


def brief(prompt: Prompt, call: QueueCall, briefing: Briefing) -> None:
    """Speak the briefing into `prompt`."""
    speaker = call.speaker
    prompt.say(speaker.waited("agent_whisper", call.display_name, briefing.waited))
    if briefing.reason:
        prompt.say(speaker.line("whisper_reason", reason=briefing.reason))
    attempt, attempts = briefing.attempt, briefing.attempts
    prompt.say(speaker.line("whisper_attempt", attempt=attempt, attempts=attempts))
    if briefing.context:
        prompt.say(speaker.line("whisper_context", context=briefing.context))
    if briefing.recording_url:
        prompt.say(speaker.line("whisper_message"))
        prompt.play(briefing.recording_url)


def whisper(call: QueueCall, briefing: Briefing) -> str:
    """The document on the agent's leg (the `url` of its Dial noun): the briefing alone."""
    doc = Document()
    brief(doc, call, briefing)
    return doc.xml()
