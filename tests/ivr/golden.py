"""Golden TwiML: expected documents written as their elements, joined exactly as twilio writes."""

from __future__ import annotations

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def response(*elements: str) -> str:
    """The full document twilio writes for a `<Response>` holding `elements` in order."""
    return f"{DECLARATION}<Response>{''.join(elements)}</Response>"


def say(text: str, language: str = "en-GB") -> str:
    """A `<Say>` element."""
    return f'<Say language="{language}">{text}</Say>'


def gather(action: str, *inner: str, timeout: int = 5, digits: int | None = 1) -> str:
    """A keypad `<Gather>` (attributes sorted, as twilio writes them)."""
    num = "" if digits is None else f' numDigits="{digits}"'
    head = f'<Gather action="{action}" input="dtmf" method="POST"{num} timeout="{timeout}">'
    return head + "".join(inner) + "</Gather>"


def redirect(url: str) -> str:
    """A `<Redirect method="POST">`."""
    return f'<Redirect method="POST">{url}</Redirect>'


HANGUP = "<Hangup />"


def url(step: str, query: str = "queue=support&amp;lang=en") -> str:
    """An IVR link as it appears inside XML (ampersands escaped)."""
    return f"/twilio/ivr/{step}?{query}"
