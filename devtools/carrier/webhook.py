"""The webhook side's wire: signed, form-encoded requests to the app, as Twilio sends them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from twilio.request_validator import RequestValidator

from devtools.carrier.records import DocContext, Records, WebhookExchange

SIGNATURE_HEADER = "X-Twilio-Signature"
USER_AGENT = "TwilioProxy/1.1"


@dataclass(frozen=True, slots=True)
class Reply:
    """What the app answered: 0 as the status means no answer at all."""

    status: int
    body: str

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300


def with_query(url: str, params: Mapping[str, str]) -> str:
    """`url` with `params` appended to its query string (for GET webhooks)."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))


class Webhooks:
    """Sends signed requests through an injected `httpx.AsyncClient` and logs each one."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        auth_token: str,
        records: Records,
        now: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._validator = RequestValidator(auth_token)
        self._records = records
        self._now = now
        self._tokens = itertools.count(1)

    def sign(self, url: str, params: Mapping[str, str]) -> str:
        """The X-Twilio-Signature for a request to `url` with form `params`."""
        signature: str = self._validator.compute_signature(url, dict(params))
        return signature

    async def send(
        self,
        url: str,
        params: Mapping[str, str],
        *,
        method: str = "POST",
        call_sid: str | None,
        context: DocContext = DocContext.CALLBACK,
    ) -> Reply:
        """POST (or GET) `params` to `url`, signed; transport failures become status 0.

        `context` says where an answered document would run (recorded for TwiML linting).
        """
        method = method.upper()
        target = with_query(url, params) if method == "GET" else url
        form = {} if method == "GET" else dict(params)
        headers = {
            SIGNATURE_HEADER: self.sign(target, form),
            "User-Agent": USER_AGENT,
            "I-Twilio-Idempotency-Token": f"sim-{next(self._tokens)}",
        }
        content = None
        if method != "GET":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            content = urlencode(form).encode()
        try:
            response = await self._client.request(method, target, content=content, headers=headers)
            reply = Reply(response.status_code, response.text)
        except httpx.HTTPError as exc:
            reply = Reply(0, f"{type(exc).__name__}: {exc}")
        exchange = WebhookExchange(
            at=self._now(),
            call_sid=call_sid,
            method=method,
            url=url,
            params=dict(params),
            status=reply.status,
            body=reply.body,
            context=context,
        )
        self._records.add_webhook(exchange)
        return reply
