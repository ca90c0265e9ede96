"""One call leg as the network sees it: who is on it, what they heard, what cut it short."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from callback.carrier import AnsweredBy, CallStatus, Direction
from devtools.carrier.clock import Alarm
from devtools.carrier.profiles import Behaviour
from devtools.carrier.twiml import Verb


@dataclass(frozen=True, slots=True)
class Heard:
    """One thing the party on the leg experienced: a verb, its text and its attributes."""

    at: datetime
    verb: str
    text: str = ""
    attrs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fetch:
    """A request for the next TwiML document."""

    url: str
    method: str = "POST"
    params: Mapping[str, str] = field(default_factory=dict)


class EndReason(StrEnum):
    """Why a leg's TwiML stopped running."""

    DOCUMENT_DONE = "document-done"
    HANGUP = "hangup"
    PARTY_HUNG_UP = "party-hung-up"
    REMOTE = "remote"
    REJECTED = "rejected"
    APP_ERROR = "app-error"


@dataclass(frozen=True, slots=True)
class Ended:
    """The leg's TwiML is over, and the status the call ends with."""

    reason: EndReason
    status: CallStatus = CallStatus.COMPLETED


Next = Fetch | Ended | None
"""What a verb leads to: another document, the end, or (None) the next verb."""


@dataclass(frozen=True, slots=True)
class HungUp:
    """The party hung up, or the app ended the call through the REST API."""

    by_party: bool
    status: CallStatus = CallStatus.COMPLETED


@dataclass(frozen=True, slots=True)
class Redirected:
    """The app moved the live call to new TwiML through the REST API."""

    fetch: Fetch


@dataclass(frozen=True, slots=True)
class Dequeued:
    """An agent took the caller out of the queue they wait in."""


Interrupt = HungUp | Redirected | Dequeued


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A `<Gather>` waiting for keys from the test."""

    gather: Verb
    prompt: str


@dataclass(eq=False)
class Leg:
    """A call leg: mutable state owned by the task that runs it."""

    sid: str
    from_: str
    to: str
    direction: Direction
    who: Behaviour
    alarm: Alarm
    status: CallStatus = CallStatus.QUEUED
    parent_sid: str | None = None
    answered_by: AnsweredBy | None = None
    amd_in_params: bool = False
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    interrupt: Interrupt | None = None
    awaiting: Awaiting | None = None
    pressed: str | None = None
    gatherings: int = 0
    callbacks_sent: int = 0
    gives_up_at: datetime | None = None
    talking_to: Leg | None = None
    transcript: list[Heard] = field(default_factory=list)
    _input_mark: int = field(default=0, init=False, repr=False)

    def hear(self, at: datetime, verb: str, text: str = "", **attrs: str) -> None:
        """Add to the transcript."""
        self.transcript.append(Heard(at, verb, text, attrs))

    def heard_text(self, *, since_input: bool = True) -> str:
        """Everything said to the party (since their last key press, by default)."""
        start = self._input_mark if since_input else 0
        return " ".join(h.text for h in self.transcript[start:] if h.verb == "Say")

    def take_keys(self) -> str | None:
        """The keys the test pressed, if any, clearing them."""
        keys, self.pressed = self.pressed, None
        return keys

    def mark_input(self) -> None:
        """The party answered a `<Gather>`: later speech is a new prompt."""
        self._input_mark = len(self.transcript)

    def interrupt_with(self, interrupt: Interrupt) -> None:
        """Record why the leg must stop what it is doing, and wake it.

        A hang-up is final: nothing replaces it.
        """
        if not isinstance(self.interrupt, HungUp):
            self.interrupt = interrupt
        self.alarm.ring()
        if self.talking_to is not None:
            # The other party's task runs the conversation: let it notice.
            self.talking_to.alarm.ring()

    @property
    def hung_up(self) -> bool:
        """The party (or the app, through the API) has ended the call."""
        return isinstance(self.interrupt, HungUp)

    @property
    def final(self) -> bool:
        """The leg is over."""
        return self.status.is_final
