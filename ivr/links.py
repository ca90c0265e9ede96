"""The URLs TwiML points Twilio at, built and parsed in one place so routes and builders agree.

A Twilio number is configured with the fixed entry points (`Entry`). Every other URL is
an IVR step, `/twilio/ivr/<step>`, whose query carries what the next request needs: the
queue, the caller's language, how many tries the step has had, the request concerned,
the digits of a keyed number awaiting confirmation, what each key of a menu stood for, or
the step a number capture leads to once the number is confirmed (`after`).

The keyed digits are carried in the URL because Twilio already holds them (they arrived
as Digits on this call) and the confirm step must not depend on server memory between two
webhooks; the route checks them against the number policy again when they are confirmed.
Routes should log paths, not query strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit

PREFIX = "/twilio/ivr/"
MAX_ATTEMPT = 99
MAX_CHOICES = 9
MAX_ID = 2**63 - 1
"""The largest request id (a signed 64-bit database key)."""


class Entry(StrEnum):
    """The fixed webhook paths a Twilio number and its messaging are configured with."""

    VOICE = "/twilio/voice"
    STATUS = "/twilio/status"
    SMS = "/twilio/sms"
    SMS_STATUS = "/twilio/sms-status"
    FALLBACK = "/twilio/fallback"


class Step(StrEnum):
    """An IVR step: the path segment after `/twilio/ivr/`."""

    LANGUAGE = "language"
    REASON = "reason"
    OFFER = "offer"
    HOLD = "hold"
    HOLD_WAIT = "hold-wait"
    HOLD_KEY = "hold-key"
    QUEUE_RESULT = "queue-result"
    CLOSED = "closed"
    CALLER_ID = "caller-id"
    NUMBER = "number"
    NUMBER_CONFIRM = "number-confirm"
    WAY_OUT = "way-out"
    SLOTS = "slots"
    SLOT = "slot"
    RECOGNISED = "recognised"
    VOICEMAIL = "voicemail"
    RECORDED = "recorded"
    RECORDING = "recording"
    TRANSCRIPTION = "transcription"
    ANSWER = "answer"
    WHISPER = "whisper"
    CUSTOMER = "customer"
    BRIDGED = "bridged"
    SURVEY = "survey"
    CONNECT = "connect"
    CONNECTED = "connected"
    LIVE_WHISPER = "live-whisper"


class LinkError(ValueError):
    """A URL that is not an IVR link, or one whose query does not parse."""


_QUEUE = re.compile(r"[a-z0-9_-]{1,64}")
_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Z]{2})?")
_DIGITS = re.compile(r"[0-9]{1,20}")
_CHOICE = re.compile(r"[A-Za-z0-9_.:-]{1,40}")
_COUNT = re.compile(r"[0-9]{1,19}")


def _check(pattern: re.Pattern[str], name: str, value: str | None) -> None:
    if value is not None and not pattern.fullmatch(value):
        raise LinkError(f"{name}: malformed value {value!r}")


@dataclass(frozen=True, slots=True)
class Link:
    """One IVR step's URL, as values."""

    step: Step
    queue: str | None = None
    lang: str | None = None
    attempt: int = 0
    request: int | None = None
    digits: str | None = None
    choices: tuple[str, ...] = field(default=())
    after: Step | None = None
    """Where a number capture goes once the number is confirmed; None books a callback."""
    fence: int | None = None
    """The claim a connect step acts for: a stale one finds the caller moved on."""

    def __post_init__(self) -> None:
        _check(_QUEUE, "queue", self.queue)
        _check(_LANG, "lang", self.lang)
        _check(_DIGITS, "digits", self.digits)
        if not 0 <= self.attempt <= MAX_ATTEMPT:
            raise LinkError(f"attempt: must be 0 to {MAX_ATTEMPT}, got {self.attempt}")
        if self.request is not None and not 1 <= self.request <= MAX_ID:
            raise LinkError(f"request: must be a positive 64-bit id, got {self.request}")
        if self.fence is not None and not 0 <= self.fence <= MAX_ID:
            raise LinkError(f"fence: must be a 64-bit count, got {self.fence}")
        if len(self.choices) > MAX_CHOICES:
            raise LinkError(f"choices: at most {MAX_CHOICES}, got {len(self.choices)}")
        for choice in self.choices:
            _check(_CHOICE, "choices", choice)

    @property
    def path(self) -> str:
        """The URL path, `/twilio/ivr/<step>`."""
        return PREFIX + self.step.value

    def query(self) -> str:
        """The query string (without "?"), parameters in a fixed order."""
        pairs: list[tuple[str, str]] = []
        for name, value in (("queue", self.queue), ("lang", self.lang)):
            if value is not None:
                pairs.append((name, value))
        if self.attempt:
            pairs.append(("attempt", str(self.attempt)))
        if self.request is not None:
            pairs.append(("request", str(self.request)))
        if self.digits is not None:
            pairs.append(("digits", self.digits))
        if self.choices:
            pairs.append(("choices", ",".join(self.choices)))
        if self.after is not None:
            pairs.append(("after", self.after.value))
        if self.fence is not None:
            pairs.append(("fence", str(self.fence)))
        return urlencode(pairs)

    def relative(self) -> str:
        """Path and query, as put in TwiML when no public base URL is set."""
        query = self.query()
        return f"{self.path}?{query}" if query else self.path

    def next_attempt(self) -> Link:
        """The same step, one try later."""
        return Link(
            self.step,
            self.queue,
            self.lang,
            min(self.attempt + 1, MAX_ATTEMPT),
            self.request,
            self.digits,
            self.choices,
            self.after,
            self.fence,
        )


def _count(name: str, text: str) -> int:
    if not _COUNT.fullmatch(text):
        raise LinkError(f"{name}: expected a whole number, got {text!r}")
    return int(text)


_FIELDS = frozenset({"queue", "lang", "attempt", "request", "digits", "choices", "after", "fence"})


def _query_fields(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError as error:
        raise LinkError(f"malformed query: {error}") from None
    found: dict[str, str] = {}
    for name, value in pairs:
        if name not in _FIELDS:
            raise LinkError(f"unknown parameter {name!r}")
        if name in found:
            raise LinkError(f"parameter {name!r} given twice")
        found[name] = value
    return found


def _step(name: str, value: str) -> Step:
    try:
        return Step(value)
    except ValueError:
        raise LinkError(f"{name}: unknown step {value!r}") from None


def parse_link(path: str, query: str = "") -> Link:
    """The link a request for `path` with raw `query` was made from; `LinkError` if none."""
    if not path.startswith(PREFIX):
        raise LinkError(f"not an IVR path: {path!r}")
    try:
        step = Step(path.removeprefix(PREFIX))
    except ValueError:
        raise LinkError(f"unknown IVR step in {path!r}") from None
    fields = _query_fields(query)
    request = fields.get("request")
    choices = fields.get("choices")
    after = fields.get("after")
    fence = fields.get("fence")
    return Link(
        step,
        queue=fields.get("queue"),
        lang=fields.get("lang"),
        attempt=_count("attempt", fields.get("attempt", "0")),
        request=None if request is None else _count("request", request),
        digits=fields.get("digits"),
        choices=() if not choices else tuple(choices.split(",")),
        after=None if after is None else _step("after", after),
        fence=None if fence is None else _count("fence", fence),
    )


def path_step(path: str) -> Step | None:
    """The IVR step `path` names, even when its query does not parse; None for any other path."""
    if not path.startswith(PREFIX):
        return None
    try:
        return Step(path.removeprefix(PREFIX))
    except ValueError:
        return None


def parse_url(url: str) -> Link:
    """The link an absolute or relative IVR URL was made from."""
    parts = urlsplit(url)
    return parse_link(parts.path, parts.query)


@dataclass(frozen=True, slots=True)
class Links:
    """Makes URLs absolute under the public base URL, or leaves them relative."""

    base: str = ""

    def __post_init__(self) -> None:
        if self.base and not re.fullmatch(r"https?://[^\s?#]+", self.base):
            raise ValueError(f"a public base URL is http(s)://host[/path], got {self.base!r}")

    def url(self, link: Link) -> str:
        """The URL of an IVR step."""
        return self.base.rstrip("/") + link.relative()

    def entry(self, entry: Entry) -> str:
        """The URL of a fixed entry point."""
        return self.base.rstrip("/") + entry.value


RELATIVE = Links()
"""Links without a public base URL: relative paths, resolved by Twilio against the request."""
