"""The CAPTCHA hook: a verifier per provider (Turnstile or hCaptcha style) and an offline fake."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from callback.config.abuse import CaptchaConfig, CaptchaProvider

VERIFY_URLS: Mapping[CaptchaProvider, str] = {
    CaptchaProvider.TURNSTILE: "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    CaptchaProvider.HCAPTCHA: "https://api.hcaptcha.com/siteverify",
}


class CaptchaVerifier(Protocol):
    """Says whether a token from the challenge widget is a solved challenge."""

    async def verify(self, token: str, client_ip: str) -> bool:
        """True when the provider accepts `token` for a visitor at `client_ip`."""
        ...


@dataclass(frozen=True, slots=True)
class FakeCaptcha:
    """Offline stand-in: accepts exactly the tokens it was given."""

    accepted: frozenset[str]

    async def verify(self, token: str, client_ip: str) -> bool:
        """True for a token in `accepted`."""
        return token in self.accepted


@dataclass(frozen=True, slots=True)
class SiteVerify:
    """A provider's `siteverify` endpoint: POST secret, response and remote IP; read success."""

    url: str
    secret: str
    http: httpx.AsyncClient

    async def verify(self, token: str, client_ip: str) -> bool:
        """Ask the provider; any failure to get a clear yes counts as no."""
        form = {"secret": self.secret, "response": token, "remoteip": client_ip}
        try:
            answer = await self.http.post(self.url, data=form)
            body = answer.json()
        except (httpx.HTTPError, ValueError):
            return False
        return answer.status_code == 200 and isinstance(body, dict) and body.get("success") is True


def verifier_for(
    config: CaptchaConfig, environ: Mapping[str, str], http: httpx.AsyncClient
) -> CaptchaVerifier | None:
    """The verifier the config asks for; None when no captcha is configured."""
    if config.provider is CaptchaProvider.NONE:
        return None
    secret = environ.get(config.secret_env or "", "")
    # Without its secret the provider refuses every token: fail closed, not open.
    return SiteVerify(VERIFY_URLS[config.provider], secret, http)
