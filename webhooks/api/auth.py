"""Who is calling the API: a web site's public key from a listed origin, or a signed request.

A signed request carries `X-Holdless-Key-Id`, `X-Holdless-Timestamp` (Unix seconds) and
`X-Holdless-Signature`: hex HMAC-SHA256 with the key's secret over
"{timestamp}\\n{METHOD}\\n{path}?{query}\\n{hex SHA-256 of the body}". A timestamp outside the
replay window is refused, and so is a signature already seen within it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from callback.config import SupervisorConfig
from callback.config.api import ApiConfig, ApiKeyConfig, SiteConfig
from callback.store.abuse import AbuseStore, Window
from callback.types import Channel
from webhooks.agents import bearer_key, key_matches
from webhooks.api.errors import ApiProblem, Code, bearer_refused

SITE_KEY = "x-holdless-site-key"
KEY_ID = "x-holdless-key-id"
TIMESTAMP = "x-holdless-timestamp"
SIGNATURE = "x-holdless-signature"
_NO_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class Client:
    """An authenticated caller of the API."""

    id: str
    channel: Channel
    queues: tuple[str, ...] | None

    @property
    def is_web(self) -> bool:
        """A browser widget: the bot checks and the surge breaker apply."""
        return self.channel is Channel.WEB

    def may_use(self, queue: str) -> bool:
        """True when the client is allowed to request callbacks in `queue`."""
        return self.queues is None or queue in self.queues


@dataclass(frozen=True, slots=True)
class Signed:
    """What a signature covers."""

    method: str
    path: str
    query: str
    body: bytes


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def signature(secret: str, timestamp: str, signed: Signed) -> str:
    """The hex HMAC-SHA256 a client must send for this request."""
    target = f"{signed.path}?{signed.query}" if signed.query else signed.path
    message = f"{timestamp}\n{signed.method.upper()}\n{target}\n{sha256_hex(signed.body)}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def allowed_origin(config: ApiConfig, origin: str | None) -> bool:
    """True when some site lists `origin` (the only origins CORS answers)."""
    return origin is not None and any(origin in site.origins for site in config.sites)


def site_client(config: ApiConfig, key: str, origin: str | None) -> Client:
    """The site whose public key is `key`, used from one of its origins."""
    site = _site(config, key)
    if site is None:
        raise ApiProblem(401, Code.UNAUTHORIZED, "X-Holdless-Site-Key", "unknown site key")
    if origin is None or origin not in site.origins:
        message = "this site key may only be used from the site's own web pages"
        raise ApiProblem(403, Code.ORIGIN_NOT_ALLOWED, "Origin", message)
    return Client(site.id, Channel.WEB, site.queues)


def _site(config: ApiConfig, key: str) -> SiteConfig | None:
    digest = sha256_hex(key.encode())
    found = None
    for site in config.sites:  # every site compared, so timing does not tell which matched
        if hmac.compare_digest(digest, site.key_sha256):
            found = site
    return found


@dataclass(frozen=True, slots=True)
class Verifier:
    """Checks signed requests against the configured keys and the replay record."""

    config: ApiConfig
    environ: Mapping[str, str]
    abuse: AbuseStore

    def client(self, headers: Headers, signed: Signed, now: datetime) -> Client:
        """The key that signed this request; 401 for anything else."""
        key = self._key(headers.get(KEY_ID, ""))
        stamp = self._timestamp(headers.get(TIMESTAMP, ""), now)
        secret = self.environ.get(key.secret_env, "") if key is not None else ""
        expected = signature(secret, stamp, signed) if secret else _NO_HASH
        given = headers.get(SIGNATURE, "").strip().lower()
        if not (hmac.compare_digest(expected, given) and key is not None and secret):
            raise ApiProblem(401, Code.UNAUTHORIZED, SIGNATURE, "the signature does not match")
        self._once(given, now)
        return Client(key.id, Channel(key.channel), key.queues)

    def _key(self, key_id: str) -> ApiKeyConfig | None:
        return next((key for key in self.config.keys if key.id == key_id), None)

    def _timestamp(self, raw: str, now: datetime) -> str:
        window = self.config.replay_window
        if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
            raise ApiProblem(401, Code.UNAUTHORIZED, TIMESTAMP, "Unix seconds, like 1767225600")
        if abs(now.timestamp() - int(raw)) > window.total_seconds():
            message = f"the timestamp must be within {int(window.total_seconds())} s of now"
            raise ApiProblem(401, Code.UNAUTHORIZED, TIMESTAMP, message)
        return raw

    def _once(self, given: str, now: datetime) -> None:
        # Kept twice the window: a timestamp may lie a full window either side of now.
        seen = Window("signature", given, self.config.replay_window * 2, 1)
        if self.abuse.admit([seen], now) is not None:
            raise ApiProblem(401, Code.UNAUTHORIZED, SIGNATURE, "this request was already sent")


def supervisor_only(request: Request, config: SupervisorConfig) -> None:
    """Pass the supervisor's bearer key; 401 without a bearer key, 403 with another one."""
    key = bearer_key(request)
    if key is None:
        raise ApiProblem(401, Code.UNAUTHORIZED, "Authorization", "send 'Bearer <supervisor key>'")
    if not key_matches(key, config.service.supervisor_key_sha256):
        raise ApiProblem(403, Code.FORBIDDEN, "Authorization", "the supervisor's key only")


def refused(problem: ApiProblem) -> Response:
    """The problem's response; a 401 says which scheme to use."""
    return bearer_refused(problem)
