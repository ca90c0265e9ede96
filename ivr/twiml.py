"""Typed wrappers over twilio's TwiML builders: the only module that touches `VoiceResponse`.

The twilio library ships no type hints, so every call into it is `Any` to mypy. Keeping
the calls here gives the builders a small typed surface and one place to check which
verbs and attributes we emit. Attributes are passed by keyword and twilio sorts them
when it writes XML, so the output is stable enough for golden tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from twilio.twiml.voice_response import VoiceResponse


@dataclass(frozen=True, slots=True)
class Line:
    """One sentence to speak: its text, the `<Say>` language and an optional voice."""

    text: str
    language: str
    voice: str | None = None


class EndpointKind(StrEnum):
    """How a `<Dial>` reaches its party."""

    NUMBER = "number"
    SIP = "sip"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Party:
    """Who a `<Dial>` rings, and the document that party hears before being bridged."""

    kind: EndpointKind
    address: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Recording:
    """The attributes of a voicemail `<Record>`."""

    action: str
    status_callback: str
    max_length: int
    finish_on_key: str = "#"
    silence_timeout: int = 5
    transcribe_callback: str | None = None


class Prompt:
    """An element that speaks: the response itself, or a `<Gather>` inside it."""

    __slots__ = ("_node",)

    def __init__(self, node: Any) -> None:
        self._node = node

    def say(self, line: Line) -> None:
        """Append `<Say language=...>` with the line's text."""
        self._node.say(line.text, language=line.language, voice=line.voice)

    def says(self, lines: tuple[Line, ...] | list[Line]) -> None:
        """Append one `<Say>` per line, in order."""
        for line in lines:
            self.say(line)

    def play(self, url: str, loop: int | None = None) -> None:
        """Append `<Play>` of an audio file."""
        self._node.play(url, loop=loop)

    def pause(self, seconds: int) -> None:
        """Append `<Pause>`."""
        self._node.pause(length=seconds)


class Document(Prompt):
    """A whole `<Response>`: prompts plus the verbs that move the call on."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(VoiceResponse())

    def gather(
        self,
        action: str,
        *,
        digits: int | None = 1,
        finish_on_key: str | None = None,
        timeout: int = 5,
    ) -> Prompt:
        """Append a keypad `<Gather>` posting to `action`; speak into the returned prompt."""
        node = self._node.gather(
            input="dtmf",
            action=action,
            method="POST",
            num_digits=digits,
            finish_on_key=finish_on_key,
            timeout=timeout,
        )
        return Prompt(node)

    def redirect(self, url: str) -> None:
        """Append `<Redirect method="POST">`."""
        self._node.redirect(url, method="POST")

    def hangup(self) -> None:
        """Append `<Hangup>`."""
        self._node.hangup()

    def leave(self) -> None:
        """Append `<Leave>`: take the caller out of the `<Enqueue>` they wait in."""
        self._node.leave()

    def enqueue(self, name: str, *, wait_url: str | None, action: str | None) -> None:
        """Append `<Enqueue>`; without a wait URL Twilio plays its own hold music."""
        self._node.enqueue(
            name,
            action=action,
            method=None if action is None else "POST",
            wait_url=wait_url,
            wait_url_method=None if wait_url is None else "POST",
        )

    def record(self, spec: Recording) -> None:
        """Append a voicemail `<Record>` with its status (and transcription) callbacks."""
        transcribe = spec.transcribe_callback is not None
        self._node.record(
            action=spec.action,
            method="POST",
            timeout=spec.silence_timeout,
            finish_on_key=spec.finish_on_key,
            max_length=spec.max_length,
            play_beep=True,
            trim="trim-silence",
            recording_status_callback=spec.status_callback,
            recording_status_callback_method="POST",
            recording_status_callback_event="completed",
            transcribe=True if transcribe else None,
            transcribe_callback=spec.transcribe_callback,
        )

    def dial(
        self, party: Party, *, action: str, timeout: int, caller_id: str | None = None
    ) -> None:
        """Append `<Dial>` with one `<Number>`, `<Sip>` or `<Client>` noun."""
        dial = self._node.dial(action=action, method="POST", timeout=timeout, caller_id=caller_id)
        extra = {} if party.url is None else {"url": party.url, "method": "POST"}
        match party.kind:
            case EndpointKind.NUMBER:
                dial.number(party.address, **extra)
            case EndpointKind.SIP:
                dial.sip(party.address, **extra)
            case EndpointKind.CLIENT:
                dial.client(party.address, **extra)

    def xml(self) -> str:
        """The document as TwiML text, with its XML declaration."""
        return str(self._node.to_xml())
