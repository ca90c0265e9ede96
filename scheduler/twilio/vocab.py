"""Twilio's closed vocabularies for calls and messages, shared by the adapter and the carrier."""

from __future__ import annotations

from enum import StrEnum

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
