"""Reading a request body: capped in size, JSON, and validated into a model."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.requests import ClientDisconnect, Request

from webhooks.api.errors import ApiProblem, Code
from webhooks.api.schemas import CallbackIn

MAX_BODY = 16 * 1024


async def capped_body(request: Request) -> bytes:
    """The raw body; 413 as soon as it grows past `MAX_BODY` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise _too_large()
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiProblem(400, Code.INVALID_BODY, None, "the body was cut short") from None
    return b"".join(chunks)


def _too_large() -> ApiProblem:
    return ApiProblem(413, Code.BODY_TOO_LARGE, None, f"a body is at most {MAX_BODY} bytes")


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; 400 for anything else."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, Code.INVALID_BODY, None, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ApiProblem(400, Code.INVALID_BODY, None, "the body must be a JSON object")
    return body


def callback_in(body: dict[str, Any]) -> CallbackIn:
    """The callback request, or 422 naming the first field that breaks a rule."""
    try:
        return CallbackIn.model_validate(body)
    except ValidationError as error:
        raise _problem(error.errors(include_url=False, include_input=False)[0]) from None


def _problem(detail: ErrorDetails) -> ApiProblem:
    loc = detail["loc"]
    # A union's member names (preferred_time.literal['asap']) mean nothing to a client.
    kept = loc[:2] if loc[:1] == ("context",) else loc[:1]
    field = ".".join(str(part) for part in kept) or None
    if detail["type"] == "extra_forbidden":
        return ApiProblem(422, Code.UNKNOWN_FIELD, field, "this field is not part of the API")
    message = detail["msg"].removeprefix("Value error, ")
    return ApiProblem(422, Code.INVALID_FIELD, field, message)
