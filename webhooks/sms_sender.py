"""Outgoing SMS through the Twilio adapter, off the webhook's path.

A confirmation text must not hold up the TwiML a caller is waiting for, so messages are
handed to a small worker pool; a failure is logged (masked) and never reaches the caller.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from callback.carrier import Telephony, TelephonyError
from callback.privacy import mask_number
from callback.types import E164

log = logging.getLogger("holdless.sms")


class TelephonySms:
    """A `Notifier` that sends each message with the REST adapter in the background."""

    def __init__(self, telephony: Telephony, from_: str, status_callback: str) -> None:
        self._telephony = telephony
        self._from = from_
        self._status_callback = status_callback
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sms")

    def send(self, to: E164, body: str) -> None:
        """Queue the message; returns at once."""
        self._pool.submit(self._send, to, body).add_done_callback(_log_failure)

    def close(self) -> None:
        """Wait for the messages already queued, then stop the workers."""
        self._pool.shutdown(wait=True)

    def _send(self, to: E164, body: str) -> str:
        try:
            return self._telephony.send_sms(
                to=to, from_=self._from, body=body, status_callback=self._status_callback
            )
        except TelephonyError:
            log.warning("SMS to %s failed", mask_number(to))
            raise


def _log_failure(future: Future[str]) -> None:
    error = future.exception()
    if error is not None and not isinstance(error, TelephonyError):
        log.error("SMS sender crashed: %s", type(error).__name__)
