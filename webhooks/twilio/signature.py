"""X-Twilio-Signature: checked against the public URL, with the secondary token in rotation.

Behind a TLS proxy the app sees its own scheme and host, not the ones Twilio signed, so
the URL is rebuilt from `public_base_url` plus the request's path and query.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlparse

from twilio.request_validator import RequestValidator

from settings import Settings

SIGNATURE_HEADER = "X-Twilio-Signature"
SIMULATED_AUTH_TOKEN = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"  # noqa: S105 - public by design
"""The auth token the simulated carrier signs with when no Twilio credentials are set.

Public on purpose (it is in the README): it protects nothing, it only keeps the signature
code path the same as in production.
"""

log = logging.getLogger("holdless.twilio")


def public_url(base: str, path: str, query: str) -> str:
    """The URL Twilio requested: the public base, then the path and raw query as received."""
    url = base.rstrip("/") + path
    return f"{url}?{query}" if query else url


class _Params(dict[str, str]):
    """Form parameters, one value per name, in the shape of a MultiDict the validator reads.

    `RequestValidator` asks for `getall`, then `getlist`, then indexes: with a plain dict it
    pays two raised AttributeErrors per parameter, twice per request.
    """

    def getall(self, name: str) -> list[str]:
        """The values of `name` (one)."""
        return [self[name]]


@dataclass(frozen=True, slots=True)
class SignatureChecker:
    """Validates signatures with the primary token, then the secondary one if set."""

    base_url: str
    tokens: tuple[str, ...] = field(repr=False)
    enabled: bool = True
    _validators: tuple[RequestValidator, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validators = tuple(RequestValidator(token) for token in self.tokens)
        object.__setattr__(self, "_validators", validators)

    def valid(self, path: str, query: str, params: Mapping[str, str], signature: str) -> bool:
        """True when `signature` signs this request with one of the tokens (or checks are off)."""
        if not self.enabled:
            return True
        if not signature:
            return False
        url = public_url(self.base_url, path, query)
        form = _Params(params)
        if self._signed_as_usual(_as_parsed(url), form, signature):
            return True
        return any(validator.validate(url, form, signature) for validator in self._validators)

    def _signed_as_usual(self, url: str, form: _Params, signature: str) -> bool:
        # The usual case first: the primary token over the URL as configured. `validate` tries
        # the URL with and without its port, each parsed and put back together; `url` is
        # one of the two (`_as_parsed`), so nothing is accepted that `validate` would refuse.
        # The other port variant and the secondary token are left to `validate`.
        if not self._validators:
            return False
        expected = self._validators[0].compute_signature(url, form)
        return hmac.compare_digest(expected.encode(), signature.encode())


@lru_cache(maxsize=1024)
def _as_parsed(url: str) -> str:
    # The entry points' URLs are few and requested again and again: parse each once.
    return urlparse(url).geturl()


def _tokens(settings: Settings) -> tuple[str, ...]:
    if settings.twilio_auth_token is None:
        return (SIMULATED_AUTH_TOKEN,)
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
