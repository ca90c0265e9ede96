"""CORS for the widget: only origins a configured site lists are ever answered."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webhooks.api.auth import SITE_KEY, allowed_origin
from webhooks.api.errors import ApiProblem, Code
from webhooks.services import services

MAX_AGE_S = 600


def cors_headers(request: Request) -> dict[str, str]:
    """The CORS headers of an answer to `request`: none unless its origin is listed."""
    origin = request.headers.get("origin")
    if not allowed_origin(services(request).config.current.api, origin):
        return {}
    assert origin is not None  # allowed_origin refuses None
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "Retry-After",
        "Vary": "Origin",
    }


def with_cors(request: Request, response: Response) -> Response:
    """`response` with the CORS headers `request` earns."""
    response.headers.update(cors_headers(request))
    return response


def answer(request: Request, problem: ApiProblem) -> Response:
    """The error answer, readable by the widget when its origin is listed."""
    return problem.response(cors_headers(request))


async def preflight(request: Request) -> Response:
    """A browser's `OPTIONS` before a cross-origin call: 204 for listed origins, else 403."""
    headers = cors_headers(request)
    if not headers:
        message = "this origin is not listed for any site"
        return ApiProblem(403, Code.ORIGIN_NOT_ALLOWED, "Origin", message).response()
    headers |= {
        "Access-Control-Allow-Methods": "GET, POST, DELETE",
        "Access-Control-Allow-Headers": f"Content-Type, {SITE_KEY}",
        "Access-Control-Max-Age": str(MAX_AGE_S),
    }
    return Response(status_code=204, headers=headers)
