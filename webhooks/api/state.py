"""The API's own shared objects, built once by the lifespan beside the core services."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from callback.store.abuse import AbuseStore
from callback.store.tokens import TokenStore
from callback.store.verification import VerificationStore
from webhooks.api.captcha import CaptchaVerifier
from webhooks.services import Services

CAPTCHA_TIMEOUT_S = 5.0
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ApiState:
    """Abuse counters, status tokens, held verifications, secrets by name, the captcha's client."""

    abuse: AbuseStore
    tokens: TokenStore
    verifications: VerificationStore
    environ: Mapping[str, str]
    http: httpx.AsyncClient
    captcha: CaptchaVerifier | None = None
    """A verifier that replaces the configured provider (tests, or a custom check)."""
    inline: bool = False
    """Run the booking's database work on the event loop (embedded SQLite), not in a thread."""

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`work(*args, **kwargs)` on the event loop (`inline`) or in a worker thread.

        On embedded SQLite writers queue in-process and a booking's transactions take a few
        milliseconds, so the two hops to a worker thread and back cost a sixth of the
        request's CPU (BENCHMARKS.md); PostgreSQL's network round trips must not hold the
        loop, so there the work runs in the thread pool, as the Twilio handlers do.
        """
        if self.inline:
            return work(*args, **kwargs)
        return await run_in_threadpool(work, *args, **kwargs)


def build_api_state(svc: Services) -> ApiState:
    """The API state on the services' database; secrets are read from the environment."""
    engine = svc.store.engine
    http = httpx.AsyncClient(timeout=CAPTCHA_TIMEOUT_S)
    tokens, verifications = TokenStore(engine), VerificationStore(engine)
    inline = svc.settings.is_sqlite
    return ApiState(svc.abuse, tokens, verifications, os.environ, http, inline=inline)


def api_state(request: Request) -> ApiState:
    """The API state of the running app."""
    found: ApiState = request.state.api
    return found
