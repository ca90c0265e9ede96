"""The carrier as the core sees it: Twilio's call vocabularies and the Telephony port."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from callback.types import E164

API_VERSION = "2010-04-01"
"""The REST API version every Voice and Messaging request names."""


class CallStatus(StrEnum):
    """A call's status, as the REST API and the webhooks report it.

    `initiated` only appears in status callbacks (the REST resource says `queued`).
    """

    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    FAILED = "failed"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"

    @property
    def is_final(self) -> bool:
        """True once the call is over."""
        return self in _FINAL


_FINAL = frozenset(
    {
        CallStatus.COMPLETED,
        CallStatus.BUSY,
        CallStatus.FAILED,
        CallStatus.NO_ANSWER,
        CallStatus.CANCELED,
    }
)


class StatusEvent(StrEnum):
    """The call progress events a StatusCallback can subscribe to."""

    INITIATED = "initiated"
    RINGING = "ringing"
    ANSWERED = "answered"
    COMPLETED = "completed"


class AnsweredBy(StrEnum):
    """What answering-machine detection concluded."""

    HUMAN = "human"
    MACHINE_START = "machine_start"
    MACHINE_END_BEEP = "machine_end_beep"
    MACHINE_END_SILENCE = "machine_end_silence"
    MACHINE_END_OTHER = "machine_end_other"
    FAX = "fax"
    UNKNOWN = "unknown"


MACHINE_ANSWERS = frozenset(
    {
        AnsweredBy.MACHINE_START,
        AnsweredBy.MACHINE_END_BEEP,
        AnsweredBy.MACHINE_END_SILENCE,
        AnsweredBy.MACHINE_END_OTHER,
        AnsweredBy.FAX,
    }
)
"""The AnsweredBy values that are not a person."""


def is_machine(answered_by: str | None) -> bool:
    """True when Twilio's AnsweredBy says a machine or fax answered (unknown is a person)."""
    return answered_by in MACHINE_ANSWERS


class Direction(StrEnum):
    """Which way a call leg goes."""

    INBOUND = "inbound"
    OUTBOUND_API = "outbound-api"
    OUTBOUND_DIAL = "outbound-dial"


class MessageStatus(StrEnum):
    """The delivery states of an SMS that matter to us."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    RECEIVED = "received"


class TelephonyError(Exception):
    """A failed request to the carrier; the message never holds a full phone number."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        ambiguous: bool,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.ambiguous = ambiguous
        self.status = status
        self.code = code


class TooLate(TelephonyError):
    """A call request not sent because its deadline had passed: certainly no call."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False, ambiguous=False)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What the carrier knows about one call: enough to tell whether a dial went out."""

    sid: str
    status: CallStatus
    started_at: datetime | None


class Telephony(Protocol):
    """Placing calls, sending SMS and looking calls up; every method may raise TelephonyError."""

    def place_call(
        self,
        *,
        to: E164,
        from_: str,
        url: str,
        status_callback: str,
        amd_callback: str,
        timeout_s: int,
        machine_detection: bool = True,
        send_before: float | None = None,
    ) -> str:
        """Start an outbound call; returns its CallSid.

        With `send_before` (a `time.monotonic()` reading), a request that would leave after
        it is not sent (`TooLate`).
        """
        ...

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        """Send an SMS; returns its MessageSid."""
        ...

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        """Calls to `number` created or started at or after `since`."""
        ...

    def redirect_call(self, sid: str, *, url: str) -> None:
        """Make the live call `sid` leave its TwiML and play the document at `url` (POST)."""
        ...

    def hang_up(self, sid: str) -> None:
        """End the call `sid`, ringing or answered."""
        ...

    def call_status(self, sid: str) -> CallRecord | None:
        """The call `sid` as the carrier knows it now; None when it has no such call."""
        ...


@runtime_checkable
class HeldCalls(Protocol):
    """Taking one chosen caller out of the carrier's hold queue (the Queue Members resource)."""

    def dequeue(self, queue_sid: str, call_sid: str, *, url: str) -> bool:
        """Make held call `call_sid` leave queue `queue_sid` and run the TwiML at `url` (POST).

        False when the call is no longer in that queue (it hung up, left, or was taken):
        the carrier then did nothing. May raise TelephonyError.
        """
        ...
