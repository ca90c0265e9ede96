"""X-Twilio-Signature: checked against the public URL, with the secondary token in rotation.

Behind a TLS proxy the app sees its own scheme and host, not the ones Twilio signed, so
the URL is rebuilt from `public_base_url` plus the request's path and query.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from twilio.request_validator import (
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from settings import Settings

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = SIGNATURE_SETTINGS_HEADER
"""Names the HMAC algorithm (and shared key) of a signature; absent: HMAC-SHA1."""
SIMULATED_AUTH_TOKEN = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"  # noqa: S105 - public by design
"""The auth token the simulated carrier signs with (`HOLDLESS_CARRIER=simulated` only).

Public on purpose (it is in the README): it protects nothing, it only keeps the signature
code path the same as in production.
"""

log = logging.getLogger("holdless.twilio")


def public_url(base: str, path: str, query: str) -> str:
    """The URL Twilio requested: the public base, then the path and raw query as received."""
    url = base.rstrip("/") + path
    return f"{url}?{query}" if query else url


@dataclass(frozen=True, slots=True)
class SignatureChecker:
    """Validates signatures with the primary token, then the secondary one if set.

    Twilio's own `RequestValidator.validate` decides, with each token: the URL with and
    without its port, every value of a repeated parameter, the body hash (`bodySHA256`)
    of a JSON body and the HMAC algorithm the settings header names.
    """

    base_url: str
    tokens: tuple[str, ...] = field(repr=False)
    enabled: bool = True
    _validators: tuple[RequestValidator, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validators = tuple(RequestValidator(token) for token in self.tokens)
        object.__setattr__(self, "_validators", validators)

    def valid(
        self,
        path: str,
        query: str,
        params: Mapping[str, str],
        signature: str,
        *,
        body: str = "",
        settings_header: str = "",
    ) -> bool:
        """True when `signature` signs this request with one of the tokens (or checks are off).

        `params` are the form's (`Params`: every value of a repeated name); `body` is the
        raw body, which Twilio signs instead when the URL carries `bodySHA256`;
        `settings_header` is X-Twilio-Webhooks-Signature-Settings, naming the algorithm.
        """
        if not self.enabled:
            return True
        if not signature:
            return False
        url = public_url(self.base_url, path, query)
        signed: Mapping[str, str] | str = body if _hashes_body(query) else params
        algorithm = get_signature_algorithm(settings_header)
        return any(v.validate(url, signed, signature, algorithm) for v in self._validators)


def _hashes_body(query: str) -> bool:
    # A JSON body is signed through its SHA-256 in the query; `validate` then wants the body.
    return "bodySHA256" in query and "bodySHA256" in parse_qs(query)


def _tokens(settings: Settings) -> tuple[str, ...]:
    # The public token only where the simulated carrier was chosen; no token: nothing passes.
    if settings.carrier == "simulated":
        return (SIMULATED_AUTH_TOKEN,)
    if settings.twilio_auth_token is None:
        return ()
    tokens = [settings.twilio_auth_token.get_secret_value()]
    if settings.twilio_secondary_auth_token is not None:
        tokens.append(settings.twilio_secondary_auth_token.get_secret_value())
    return tuple(tokens)


def checker_for(settings: Settings) -> SignatureChecker:
    """The checker for these settings; warns once when checks are switched off."""
    if not settings.verify_twilio_signatures:
        log.warning("Twilio signature checks are OFF: anyone can drive the webhooks")
    return SignatureChecker(
        base_url=str(settings.public_base_url),
        tokens=_tokens(settings),
        enabled=settings.verify_twilio_signatures,
    )
