"""What can go wrong talking to Twilio, reduced to what the dispatcher must decide.

Two questions matter: may the same request be tried again later (`retryable`), and may
the failed request have taken effect anyway (`ambiguous`). `calls.create` has no
idempotency key, so an ambiguous failure must be resolved by listing the calls to the
number before dialling again, never by blindly retrying.
"""

from __future__ import annotations

from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, RequestException, Timeout
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from urllib3.exceptions import MaxRetryError, NewConnectionError

from callback.carrier import TelephonyError
from callback.privacy import mask_text

_UNAVAILABLE = 503
_TOO_MANY = 429
_REQUEST_TIMEOUT = 408


def from_status(status: int, code: int | None, detail: str, *, safe: bool) -> TelephonyError:
    """An error for an HTTP error answer; `safe` requests (reads) are never ambiguous.

    A 5xx other than 503 may come after Twilio acted on the request (a gateway timeout,
    an internal error half way), so it is ambiguous for a write.
    """
    retryable = status in (_TOO_MANY, _REQUEST_TIMEOUT) or status >= 500
    ambiguous = not safe and status >= 500 and status != _UNAVAILABLE
    shown = f"Twilio answered HTTP {status}" + (f" (error {code})" if code else "")
    if detail:
        shown += f": {mask_text(detail)}"
    return TelephonyError(shown, retryable=retryable, ambiguous=ambiguous, status=status, code=code)


def _never_connected(exc: RequestsConnectionError) -> bool:
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def _from_transport(exc: RequestException, *, safe: bool) -> TelephonyError:
    name = type(exc).__name__
    if isinstance(exc, ConnectTimeout):
        return TelephonyError(f"no connection to Twilio ({name})", retryable=True, ambiguous=False)
    if isinstance(exc, Timeout):
        return TelephonyError(f"no answer from Twilio ({name})", retryable=True, ambiguous=not safe)
    if isinstance(exc, RequestsConnectionError) and _never_connected(exc):
        return TelephonyError(f"no connection to Twilio ({name})", retryable=True, ambiguous=False)
    return TelephonyError(
        f"the exchange with Twilio broke ({name})", retryable=True, ambiguous=not safe
    )


def _code(value: object) -> int | None:
    return value if isinstance(value, int) else None


def telephony_error(exc: Exception, *, safe: bool) -> TelephonyError:
    """Map an exception from the twilio library (or its HTTP layer) to a `TelephonyError`."""
    if isinstance(exc, TwilioRestException):
        return from_status(int(exc.status), _code(exc.code), str(exc.msg), safe=safe)
    if isinstance(exc, TwilioServiceException):
        return from_status(int(exc.status), _code(exc.code), str(exc.title), safe=safe)
    if isinstance(exc, RequestException):
        return _from_transport(exc, safe=safe)
    if isinstance(exc, TwilioException):
        # Page.process_response raises a bare TwilioException("...", response).
        response = exc.args[1] if len(exc.args) > 1 else None
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return from_status(status, None, "", safe=safe)
    return TelephonyError(
        f"unreadable answer from Twilio ({type(exc).__name__})", retryable=True, ambiguous=not safe
    )
