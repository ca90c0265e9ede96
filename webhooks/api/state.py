"""The API's own shared objects, built once by the lifespan beside the core services."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from starlette.requests import Request

from callback.store.abuse import AbuseStore
from callback.store.tokens import TokenStore
from callback.store.verification import VerificationStore
from webhooks.api.captcha import CaptchaVerifier
from webhooks.services import Services

CAPTCHA_TIMEOUT_S = 5.0


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


def build_api_state(svc: Services) -> ApiState:
    """The API state on the services' database; secrets are read from the environment."""
    engine = svc.store.engine
    http = httpx.AsyncClient(timeout=CAPTCHA_TIMEOUT_S)
    return ApiState(svc.abuse, TokenStore(engine), VerificationStore(engine), os.environ, http)


def api_state(request: Request) -> ApiState:
    """The API state of the running app."""
    found: ApiState = request.state.api
    return found
