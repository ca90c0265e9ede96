"""The Twilio REST adapter: the official client with an injectable, bounded HTTP layer.

It implements `callback.carrier.Telephony`; only the composition root builds it.
"""

from telephony.client import TwilioTelephony, build_client
from telephony.transport import RoutedHttpClient

__all__ = ["RoutedHttpClient", "TwilioTelephony", "build_client"]
