"""twilio's own HTTP client, bounded by a timeout, pointed at a configurable base URL.

The library's default client waits forever and logs every query parameter at INFO
(including the `To` number of a call listing). This subclass keeps the library's
request path (`requests`, connection pooling, the library's auth and headers) and
changes only three things: an explicit timeout, the API base URL, and what it logs.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from requests import Response as RequestsResponse
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from callback.privacy import mask_text

TWILIO_API_URL = "https://api.twilio.com"
"""Where the library sends every 2010-04-01 request."""


def rewrite_url(url: str, base_url: str) -> str:
    """`url` with Twilio's API origin replaced by `base_url` (which may carry a path)."""
    base = base_url.rstrip("/")
    if base == TWILIO_API_URL or not url.startswith(TWILIO_API_URL + "/"):
        return url
    return base + url[len(TWILIO_API_URL) :]


def describe(method: str, url: str, params: dict[str, object] | None) -> str:
    """A log line for a request: method, path and masked query values; never a header."""
    parts = urlsplit(url)
    line = f"{method} {parts.scheme}://{parts.netloc}{parts.path}"
    if parts.query:
        line += "?" + mask_text(unquote_plus(parts.query))
    if params:
        shown = ", ".join(f"{key}={mask_text(str(value))}" for key, value in sorted(params.items()))
        line += f" [{shown}]"
    return line


class RoutedHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """`TwilioHttpClient` with a timeout, a base-URL rewrite and logs without numbers."""

    def __init__(
        self,
        *,
        base_url: str = TWILIO_API_URL,
        timeout_s: float,
        logger: logging.Logger | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("the Twilio HTTP timeout must be positive")
        super().__init__(
            timeout=timeout_s, logger=logger or logging.getLogger("holdless.twilio.http")
        )
        self.base_url = base_url.rstrip("/")

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send the request to the configured base URL instead of api.twilio.com."""
        response: Response = super().request(
            method,
            rewrite_url(url, self.base_url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        return response

    def log_request(self, kwargs: dict[str, Any]) -> None:
        """Log method, URL and masked query parameters at DEBUG; no headers, no body."""
        self.logger.debug(
            "twilio request %s", describe(kwargs["method"], kwargs["url"], kwargs["params"])
        )

    def log_response(self, status_code: int, response: RequestsResponse) -> None:
        """Log the status code only: headers may echo account details."""
        self.logger.debug("twilio response %s", status_code)
