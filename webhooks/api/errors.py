"""API errors: a stable code, the field concerned and a message a person can read."""

from __future__ import annotations

import math
from datetime import timedelta
from enum import StrEnum

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from webhooks.api.schemas import ErrorBody, ErrorDetail, SlotOut

RETRY_UNAVAILABLE = timedelta(seconds=5)
"""How long a client is asked to wait after a database error: locks and failovers are short."""


class Code(StrEnum):
    """Every error code the API answers with; clients may rely on these."""

    INVALID_BODY = "invalid_body"
    BODY_TOO_LARGE = "body_too_large"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_FIELD = "invalid_field"
    INVALID_NUMBER = "invalid_number"
    UNKNOWN_QUEUE = "unknown_queue"
    QUEUE_CLOSED = "queue_closed"
    SLOT_UNAVAILABLE = "slot_unavailable"
    ALREADY_REQUESTED = "already_requested"
    RATE_LIMITED = "rate_limited"
    SERVICE_PAUSED = "service_paused"
    BOT_SUSPECTED = "bot_suspected"
    CAPTCHA_FAILED = "captcha_failed"
    UNAUTHORIZED = "unauthorized"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_CANCELLABLE = "not_cancellable"
    VERIFICATION_CODE_WRONG = "verification_code_wrong"
    VERIFICATION_EXPIRED = "verification_expired"
    VERIFICATION_LOCKED = "verification_locked"
    UNAVAILABLE = "unavailable"
    AGENT_BUSY = "agent_busy"
    PRESENCE_CHANGED = "presence_changed"
    NOT_IN_ROSTER = "not_in_roster"
    NO_BROWSER_PHONE = "no_browser_phone"
    VOICE_TOKENS_OFF = "voice_tokens_off"


class ApiProblem(Exception):
    """An answer other than success; raised anywhere in a handler, answered as JSON."""

    def __init__(
        self,
        status: int,
        code: Code,
        field: str | None,
        message: str,
        *,
        reason: str | None = None,
        retry_after: timedelta | None = None,
        next_slots: list[SlotOut] | None = None,
        attempts_left: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message
        self.reason, self.retry_after, self.next_slots = reason, retry_after, next_slots
        self.attempts_left = attempts_left

    @property
    def tally(self) -> str:
        """The name this refusal is counted under: the code, and the reason if any."""
        return f"{self.code}.{self.reason}" if self.reason else str(self.code)

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        """The JSON error answer, with Retry-After when the client should wait."""
        seconds = None
        extra = dict(headers or {})
        if self.retry_after is not None:
            seconds = max(1, math.ceil(self.retry_after.total_seconds()))
            extra["Retry-After"] = str(seconds)
        if self.status == 401:
            extra["WWW-Authenticate"] = 'HMAC-SHA256 realm="holdless"'
        detail = ErrorDetail(
            code=self.code,
            field=self.field,
            message=self.message,
            reason=self.reason,
            retry_after=seconds,
            next_slots=self.next_slots,
            attempts_left=self.attempts_left,
        )
        body = ErrorBody(error=detail).model_dump(mode="json", exclude_none=True)
        return JSONResponse(body, status_code=self.status, headers=extra)


def bearer_refused(problem: ApiProblem) -> Response:
    """The problem's response for a route keyed by a bearer key: a 401 names that scheme."""
    response = problem.response()
    if problem.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def unavailable() -> ApiProblem:
    """The 503 answer when the database failed: nothing was decided, the client may retry."""
    message = "the service cannot reach its database just now; please try again shortly"
    return ApiProblem(503, Code.UNAVAILABLE, None, message, retry_after=RETRY_UNAVAILABLE)


_HTTP_CODES = {404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED}


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 (no route, or not this method): JSON under the API's
    prefix, as every other answer there; plain text elsewhere, as Starlette answers."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    path = request.url.path
    if not path.startswith("/api/v1/"):
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=headers)
    code = _HTTP_CODES.get(exc.status_code, Code.INVALID_BODY)
    problem = ApiProblem(exc.status_code, code, None, exc.detail.lower())
    return problem.response(headers)
