"""The ground truth of a simulation: every REST request and every webhook exchange."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

Pairs = tuple[tuple[str, str], ...]


def pairs(params: Mapping[str, object] | None) -> Pairs:
    """Form parameters as (name, value) pairs; a list value gives one pair per item."""
    found: list[tuple[str, str]] = []
    for name, value in (params or {}).items():
        values: Iterable[object] = value if isinstance(value, list | tuple) else (value,)
        found.extend((name, str(item)) for item in values)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class RestExchange:
    """One request the app's twilio client made, and the status the carrier answered."""

    at: datetime
    method: str
    path: str
    params: Pairs
    status: int
    body: str

    def get(self, name: str) -> str | None:
        """The first value of parameter `name` (query or form), if sent."""
        return next((value for key, value in self.params if key == name), None)

    def getall(self, name: str) -> list[str]:
        """Every value of parameter `name`, in the order sent."""
        return [value for key, value in self.params if key == name]


class DocContext(StrEnum):
    """Where the document an exchange answered runs, which decides what it may contain."""

    CALL = "call"
    """The call's own TwiML: the voice URL, actions, redirects, a REST `Url`."""
    WAIT = "wait"
    """An `<Enqueue>` waitUrl, and the documents its `<Gather>` and `<Redirect>` lead to."""
    WHISPER = "whisper"
    """A `<Number>`, `<Sip>` or `<Client>` noun's `url`: the called party, before the bridge."""
    DEQUEUED = "dequeued"
    """A `<Queue>` noun's `url`: the caller taken from the queue, before the bridge."""
    CALLBACK = "callback"
    """A status callback, an inbound SMS, an action after a hang-up: no voice TwiML runs."""


@dataclass(frozen=True, slots=True)
class WebhookExchange:
    """One request the carrier made to the app, and what came back."""

    at: datetime
    call_sid: str | None
    method: str
    url: str
    params: Mapping[str, str]
    status: int
    body: str
    context: DocContext = DocContext.CALLBACK

    @property
    def path(self) -> str:
        """The URL's path, without host or query."""
        return urlsplit(self.url).path


class Records:
    """Append-only logs, safe to write from the thread the REST client runs in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rest: list[RestExchange] = []
        self._webhooks: list[WebhookExchange] = []

    def add_rest(self, exchange: RestExchange) -> None:
        """Log a REST exchange."""
        with self._lock:
            self._rest.append(exchange)

    def add_webhook(self, exchange: WebhookExchange) -> None:
        """Log a webhook exchange."""
        with self._lock:
            self._webhooks.append(exchange)

    @property
    def rest(self) -> list[RestExchange]:
        """Every REST exchange so far, oldest first."""
        with self._lock:
            return list(self._rest)

    @property
    def webhooks(self) -> list[WebhookExchange]:
        """Every webhook exchange so far, oldest first."""
        with self._lock:
            return list(self._webhooks)

    def webhooks_to(self, path: str, call_sid: str | None = None) -> list[WebhookExchange]:
        """Webhook exchanges to URL path `path`, optionally for one call."""
        return [
            hook
            for hook in self.webhooks
            if hook.path == path and (call_sid is None or hook.call_sid == call_sid)
        ]

    def statuses(self, path: str, call_sid: str) -> list[str]:
        """The CallStatus values posted to `path` for `call_sid`, in order."""
        return [hook.params.get("CallStatus", "") for hook in self.webhooks_to(path, call_sid)]
