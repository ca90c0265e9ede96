"""The Twilio implementation of the Telephony port (sync: callers run it in a thread)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from requests.exceptions import RequestException
from twilio.base.exceptions import TwilioException
from twilio.http import HttpClient
from twilio.rest import Client

from callback.carrier import CallRecord, CallStatus, StatusEvent, TelephonyError, TooLate
from callback.privacy import mask_number
from callback.types import E164
from telephony.errors import telephony_error
from telephony.transport import TWILIO_API_URL, RoutedHttpClient

log = logging.getLogger("holdless.twilio")

ALL_STATUS_EVENTS = tuple(str(event) for event in StatusEvent)
"""Every call progress event, so the status route sees the whole life of a call."""
_CALLS_PAGE = 50
_CALLS_LIMIT = 200


def build_client(
    *,
    account_sid: str,
    auth_token: str,
    api_url: str = TWILIO_API_URL,
    timeout_s: float = 10.0,
    http_client: HttpClient | None = None,
) -> Client:
    """twilio's REST client with our HTTP layer (or an injected one, such as the simulator)."""
    http = http_client or RoutedHttpClient(base_url=api_url, timeout_s=timeout_s)
    # An explicit environment: TWILIO_EDGE / TWILIO_REGION from the process would
    # silently move requests away from the configured base URL.
    environment = {"TWILIO_EDGE": "", "TWILIO_REGION": ""}
    return Client(
        account_sid,
        auth_token,
        account_sid=account_sid,
        http_client=http,
        environment=environment,
    )


def call_params(
    *,
    to: E164,
    from_: str,
    url: str,
    status_callback: str,
    amd_callback: str,
    timeout_s: int,
    machine_detection: bool,
) -> dict[str, Any]:
    """Keyword arguments for `calls.create`: all four status events, async AMD, a timeout."""
    params: dict[str, Any] = {
        "to": to,
        "from_": from_,
        "url": url,
        "method": "POST",
        "status_callback": status_callback,
        "status_callback_event": list(ALL_STATUS_EVENTS),
        "status_callback_method": "POST",
        "timeout": timeout_s,
    }
    if machine_detection:
        params |= {
            "machine_detection": "Enable",
            "async_amd": "true",
            "async_amd_status_callback": amd_callback,
            "async_amd_status_callback_method": "POST",
        }
    return params


def _sid(resource: Any, prefix: str) -> str:
    sid = getattr(resource, "sid", None)
    if not isinstance(sid, str) or not sid.startswith(prefix):
        raise TelephonyError(
            f"Twilio's answer carries no {prefix} SID", retryable=True, ambiguous=True
        )
    return sid


def _record(call: Any) -> CallRecord:
    started = call.start_time
    return CallRecord(
        sid=str(call.sid),
        status=CallStatus(str(call.status)),
        started_at=started if isinstance(started, datetime) else None,
    )


_FAILURES = (TwilioException, RequestException, ValueError)
_NOT_FOUND = 404


class TwilioTelephony:
    """`Telephony` and `HeldCalls` over twilio's REST client."""

    def __init__(self, client: Client) -> None:
        self._client = client

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
        """Start an outbound call with status events and async AMD; returns its CallSid."""
        # As late as this process can look: a pause (GC, SIGSTOP, swap) after the dialler's
        # own check must not let a claim whose lease another instance took over dial. The
        # monotonic clock keeps counting while a process is stopped.
        if send_before is not None and time.monotonic() > send_before:
            raise TooLate("the claim's time to dial had passed; not sent")
        params = call_params(
            to=to,
            from_=from_,
            url=url,
            status_callback=status_callback,
            amd_callback=amd_callback,
            timeout_s=timeout_s,
            machine_detection=machine_detection,
        )
        try:
            call = self._client.calls.create(**params)
        except _FAILURES as exc:
            # `from None`: twilio's messages and URLs can hold the number; keep them out
            # of chained tracebacks.
            raise telephony_error(exc, safe=False) from None
        sid = _sid(call, "CA")
        log.info("call placed: %s to %s", sid, mask_number(to))
        return sid

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        """Send an SMS with a delivery status callback; returns its MessageSid."""
        try:
            message = self._client.messages.create(
                to=to, from_=from_, body=body, status_callback=status_callback
            )
        except _FAILURES as exc:
            raise telephony_error(exc, safe=False) from None
        sid = _sid(message, "SM")
        log.info("sms sent: %s to %s", sid, mask_number(to))
        return sid

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        """Calls to `number` that started at or after `since`, or have not started yet."""
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        try:
            calls = self._client.calls.list(
                to=number,
                start_time_after=since.astimezone(UTC),
                page_size=_CALLS_PAGE,
                limit=_CALLS_LIMIT,
            )
            records = [_record(call) for call in calls]
        except _FAILURES as exc:
            raise telephony_error(exc, safe=True) from None
        # The API filters by date only; the time of day is checked here.
        return [r for r in records if r.started_at is None or r.started_at >= since]

    def redirect_call(self, sid: str, *, url: str) -> None:
        """Move a live call to the TwiML at `url` (Calls API update); safe to repeat."""
        try:
            self._client.calls(sid).update(url=url, method="POST")
        except _FAILURES as exc:
            # Redirecting twice to the same document is harmless: never ambiguous.
            raise telephony_error(exc, safe=True) from None
        log.info("call %s redirected", sid)

    def dequeue(self, queue_sid: str, call_sid: str, *, url: str) -> bool:
        """Take held call `call_sid` out of queue `queue_sid` to run `url` (Queue Members API)."""
        try:
            self._client.queues(queue_sid).members(call_sid).update(url=url, method="POST")
        except _FAILURES as exc:
            # A lost answer is ambiguous (the caller may be on the way to `url`); a 404 is
            # certain: no longer a member (hung up, left, or dequeued already).
            error = telephony_error(exc, safe=False)
            if error.status == _NOT_FOUND:
                return False
            raise error from None
        log.info("held call %s dequeued", call_sid)
        return True

    def call_status(self, sid: str) -> CallRecord | None:
        """Fetch the call `sid` (Calls API); None when the carrier has no such call."""
        try:
            return _record(self._client.calls(sid).fetch())
        except _FAILURES as exc:
            error = telephony_error(exc, safe=True)
            if error.status == _NOT_FOUND:
                return None
            raise error from None

    def hang_up(self, sid: str) -> None:
        """End the call `sid` (Calls API update to `completed`, which ends it in any state)."""
        try:
            self._client.calls(sid).update(status=CallStatus.COMPLETED.value)
        except _FAILURES as exc:
            # A lost hang-up may be sent again: ending a call twice ends it once.
            raise telephony_error(exc, safe=True) from None
        log.info("call %s hung up", sid)
