"""Secrets out of log text: known secret values, and bearer-like values wherever they show.

Status tokens travel in URL paths, site keys in query strings, signatures and keys in headers
and bodies that an error message may quote. What a rule cannot tell apart it hides: a long
random-looking path segment or parameter value is taken for a token unless it has the shape
of something public (a Twilio SID, a hex digest).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "[redacted]"
SHORTEST_SECRET = 8
"""Known secret values shorter than this are not searched for (they would hide common words)."""

_SECRET_NAME = re.compile(
    r"(?:[\w-]*[_-])?(?:token|secret|password|passwd|pwd|signature|sig|key|apikey|auth"
    r"|authorization|credentials?|session|cookie)s?",
    re.IGNORECASE,
)
# Words a secret's name contains: a text without any of them is spared the two rules below.
_HINTS = (
    "token", "secret", "passw", "pwd", "sig", "key", "auth", "credential", "session", "cookie",
    "bearer", "basic",
)  # fmt: skip
# A name, then `=` or `:` (quoted or not, as in a query, a header or JSON), then the value.
_PAIR = re.compile(r"(?<![\w-])([\w-]+)([\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;)}\[\]]+)")
_USERINFO = re.compile(r"(://[^\s/@:]*):[^\s/@]+@")
_SCHEME = re.compile(r"(?i)\b(bearer|basic|token)(\s+)[\w.~+/=-]{8,}")
_STATUS_LINK = re.compile(r"(/callbacks/)(?!verify(?![\w-]))[^/?#\s\"']+")
_SEGMENT = re.compile(r"(?<=[/=])[\w-]{20,}(?=[/?#&\s\"';,]|$)", re.ASCII)
_PUBLIC = re.compile(r"[A-Z]{2}[0-9a-f]{32}|[0-9a-fA-F]+")


class Redactor:
    """Replaces secrets in text by `[redacted]`: the values it was given and bearer-like ones."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = {value for value in secrets if len(value) >= SHORTEST_SECRET}
        known |= {quote(value, safe="") for value in known}
        # Longest first, so a secret that contains another is replaced whole.
        ordered = sorted(known, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        """`text` without any secret it knows or recognises."""
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        text = _USERINFO.sub(rf"\1:{REDACTED}@", text)
        lowered = text.lower()
        if any(hint in lowered for hint in _HINTS):  # a substring test is cheap, the rules not
            text = _SCHEME.sub(rf"\1\2{REDACTED}", text)
            text = _PAIR.sub(_secret_named, text)
        text = _STATUS_LINK.sub(rf"\1{REDACTED}", text)
        return _SEGMENT.sub(_bearer_like, text)


def _secret_named(pair: re.Match[str]) -> str:
    name, between, _ = pair.groups()
    return f"{name}{between}{REDACTED}" if _SECRET_NAME.fullmatch(name) else pair.group()


def _bearer_like(segment: re.Match[str]) -> str:
    value = segment.group()
    if _PUBLIC.fullmatch(value):
        return value
    kinds = sum(
        any(test(char) for char in value) for test in (str.isupper, str.islower, str.isdigit)
    )
    return REDACTED if kinds >= 2 else value
