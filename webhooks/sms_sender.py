"""Outgoing SMS through the Twilio adapter, off the webhook's path.

A confirmation text must not hold up the TwiML a caller is waiting for, so messages are
handed to a small worker pool; a failure is logged (masked) and never reaches the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import Engine

from callback.carrier import Telephony, TelephonyError
from callback.privacy import mask_number
from callback.service.ports import SmsAbout
from callback.store.request_sms import record_sms
from callback.types import E164

log = logging.getLogger("holdless.sms")


class TelephonySms:
    """A `Notifier` that sends each message with the REST adapter in the background."""

    def __init__(
        self,
        telephony: Telephony,
        from_: str,
        status_callback: str,
        record: Callable[[SmsAbout, str], None] | None = None,
    ) -> None:
        self._telephony = telephony
        self._record = record
        self._from = from_
        self._status_callback = status_callback
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sms")

    def send(self, to: E164, body: str, about: SmsAbout | None = None) -> None:
        """Queue the message; returns at once."""
        self._pool.submit(self._send, to, body, about).add_done_callback(_log_failure)

    def close(self) -> None:
        """Wait for the messages already queued, then stop the workers."""
        self._pool.shutdown(wait=True)

    def _send(self, to: E164, body: str, about: SmsAbout | None) -> str:
        try:
            sid = self._telephony.send_sms(
                to=to, from_=self._from, body=body, status_callback=self._status_callback
            )
        except TelephonyError:
            log.warning("SMS to %s failed", mask_number(to))
            raise
        if about is not None and self._record is not None:
            self._record(about, sid)  # only the SID and kind: never the number or the text
        return sid


def _log_failure(future: Future[str]) -> None:
    error = future.exception()
    if error is not None and not isinstance(error, TelephonyError):
        log.error("SMS sender crashed: %s", type(error).__name__)


def sms_recorder(engine: Engine, clock: Callable[[], datetime]) -> Callable[[SmsAbout, str], None]:
    """Writes a sent text to its request's timeline (kind, time and SID only)."""

    def record(about: SmsAbout, sid: str) -> None:
        with engine.begin() as connection:
            record_sms(connection, about.request_id, about.kind, sid, clock())

    return record
