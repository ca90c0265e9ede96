"""The carrier's books: every call and message resource, shared by the REST side and the
webhook side, and an inbox of what the REST side asked the network to do.

The app's REST client runs in a worker thread, the simulated network in the event loop,
so every access goes through one lock, and REST requests reach the network only through
the inbox, which the carrier drains on its own loop.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from callback.carrier import CallStatus
from devtools.carrier.resources import CallResource, MessageResource


@dataclass(frozen=True, slots=True)
class NewCall:
    """The REST side created an outbound call: the network should start dialling it."""

    sid: str


@dataclass(frozen=True, slots=True)
class NewMessage:
    """The REST side accepted an SMS: the network should deliver it."""

    sid: str


@dataclass(frozen=True, slots=True)
class CallControl:
    """The REST side changed a live call: hang it up, or redirect it to new TwiML."""

    sid: str
    status: CallStatus | None = None
    url: str | None = None
    method: str = "POST"


Notice = NewCall | NewMessage | CallControl


class CallBook:
    """Thread-safe store of resources, SID minting and the REST-to-network inbox."""

    def __init__(self, account_sid: str, *, seed: int = 0) -> None:
        self.account_sid = account_sid
        self._lock = threading.Lock()
        self._sids = random.Random(seed)  # noqa: S311  # reproducible, not secret
        self._calls: dict[str, CallResource] = {}
        self._messages: dict[str, MessageResource] = {}
        self._inbox: deque[Notice] = deque()

    def new_sid(self, prefix: str) -> str:
        """A fresh SID: a two-letter prefix and 32 hex digits, reproducible from the seed."""
        with self._lock:
            return f"{prefix}{self._sids.getrandbits(128):032x}"

    def add_call(self, call: CallResource) -> None:
        """Store a call resource."""
        with self._lock:
            self._calls[call.sid] = call

    def add_message(self, message: MessageResource) -> None:
        """Store a message resource."""
        with self._lock:
            self._messages[message.sid] = message

    def call(self, sid: str) -> CallResource | None:
        """The call with `sid`, if known."""
        with self._lock:
            return self._calls.get(sid)

    def message(self, sid: str) -> MessageResource | None:
        """The message with `sid`, if known."""
        with self._lock:
            return self._messages.get(sid)

    def calls(self, keep: Callable[[CallResource], bool] = lambda _: True) -> list[CallResource]:
        """Calls matching `keep`, newest first (as the API lists them)."""
        with self._lock:
            found = [call for call in self._calls.values() if keep(call)]
        return sorted(found, key=lambda call: call.created, reverse=True)

    def messages(self) -> list[MessageResource]:
        """All messages, newest first."""
        with self._lock:
            found = list(self._messages.values())
        return sorted(found, key=lambda message: message.created, reverse=True)

    def update_call(self, sid: str, change: Callable[[CallResource], None]) -> None:
        """Apply `change` to the stored call under the lock."""
        with self._lock:
            call = self._calls.get(sid)
            if call is not None:
                change(call)

    def update_message(self, sid: str, change: Callable[[MessageResource], None]) -> None:
        """Apply `change` to the stored message under the lock."""
        with self._lock:
            message = self._messages.get(sid)
            if message is not None:
                change(message)

    def post(self, notice: Notice) -> None:
        """Put a notice in the inbox (from any thread)."""
        with self._lock:
            self._inbox.append(notice)

    def drain(self) -> list[Notice]:
        """Take every notice out of the inbox, oldest first."""
        with self._lock:
            taken = list(self._inbox)
            self._inbox.clear()
        return taken
