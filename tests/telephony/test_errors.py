"""Twilio's exceptions reduced to retryable and ambiguous."""

from __future__ import annotations

import pytest
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, ReadTimeout
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.response import Response
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from telephony.errors import telephony_error


@pytest.mark.parametrize(
    ("status", "retryable", "ambiguous_write"),
    [
        (400, False, False),
        (401, False, False),
        (404, False, False),
        (408, True, False),
        (429, True, False),
        (500, True, True),
        (502, True, True),
        (503, True, False),
        (504, True, True),
    ],
)
def test_http_statuses(status: int, retryable: bool, ambiguous_write: bool) -> None:
    exc = TwilioRestException(status, "https://api.twilio.com/x", "msg", 20001, "POST")
    write = telephony_error(exc, safe=False)
    read = telephony_error(exc, safe=True)
    assert (write.retryable, write.ambiguous) == (retryable, ambiguous_write)
    assert (read.retryable, read.ambiguous) == (retryable, False)
    assert (write.status, write.code) == (status, 20001)


def test_the_message_masks_a_number_twilio_echoes() -> None:
    exc = TwilioRestException(400, "u", "The 'To' number +442079460123 is not valid", 21211)
    error = telephony_error(exc, safe=False)
    assert "442079460123" not in str(error)
    assert "HTTP 400 (error 21211)" in str(error)


def test_an_rfc9457_service_error_is_mapped_too() -> None:
    exc = TwilioServiceException("https://e/x", "Too many requests", 429, 20429)
    error = telephony_error(exc, safe=False)
    assert error.retryable and not error.ambiguous and error.code == 20429


def _refused() -> RequestsConnectionError:
    reason = NewConnectionError(None, "refused")  # type: ignore[arg-type]
    return RequestsConnectionError(MaxRetryError(None, "/x", reason))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "ambiguous"),
    [
        (ConnectTimeout("connect"), False),
        (ReadTimeout("read"), True),
        (_refused(), False),
        (RequestsConnectionError(ProtocolError("Connection aborted.")), True),
    ],
    ids=["connect-timeout", "read-timeout", "refused", "reset-after-sending"],
)
def test_transport_failures(exc: Exception, ambiguous: bool) -> None:
    write = telephony_error(exc, safe=False)
    assert write.retryable and write.ambiguous is ambiguous
    assert not telephony_error(exc, safe=True).ambiguous


def test_a_failed_page_read_uses_its_status() -> None:
    exc = TwilioException("Unable to fetch page", Response(503, "{}"))
    error = telephony_error(exc, safe=True)
    assert error.status == 503 and error.retryable


def test_an_unreadable_answer_is_ambiguous_for_a_write() -> None:
    error = telephony_error(ValueError("Expecting value"), safe=False)
    assert error.retryable and error.ambiguous
