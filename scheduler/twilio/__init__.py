"""The Twilio REST adapter: the official client with an injectable, bounded HTTP layer."""

from scheduler.twilio.errors import TelephonyError
from scheduler.twilio.telephony import CallRecord, Telephony, TwilioTelephony, build_client
from scheduler.twilio.transport import RoutedHttpClient
from scheduler.twilio.vocab import (
    API_VERSION,
    AnsweredBy,
    CallStatus,
    Direction,
    MessageStatus,
    StatusEvent,
)

__all__ = [
    "API_VERSION",
    "AnsweredBy",
    "CallRecord",
    "CallStatus",
    "Direction",
    "MessageStatus",
    "RoutedHttpClient",
    "StatusEvent",
    "Telephony",
    "TelephonyError",
    "TwilioTelephony",
    "build_client",
]
