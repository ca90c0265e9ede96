"""Which language a console page speaks: `?lang=`, then the cookie, then Accept-Language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from starlette.requests import Request

from webhooks.console.catalogue import en, fa, is_, ru

LANG_COOKIE = "holdless_console_lang"
CATALOGUES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": en.TEXTS, "ru": ru.TEXTS, "fa": fa.TEXTS, "is": is_.TEXTS}
)
RIGHT_TO_LEFT = frozenset({"fa"})
NAMES = MappingProxyType({"en": "English", "ru": "Русский", "fa": "فارسی", "is": "Íslenska"})


@dataclass(frozen=True, slots=True)
class Language:
    """A language's code, writing direction and words."""

    code: str
    direction: str
    texts: Mapping[str, str]
    chosen: bool
    """True when picked by `?lang=` (the answer then keeps it in a cookie)."""


def language_of(request: Request) -> Language:
    """The console language for this request."""
    asked = request.query_params.get("lang", "")
    if asked in CATALOGUES:
        return _language(asked, chosen=True)
    kept = request.cookies.get(LANG_COOKIE, "")
    if kept in CATALOGUES:
        return _language(kept, chosen=False)
    return _language(accepted(request.headers.get("accept-language", "")), chosen=False)


def accepted(header: str) -> str:
    """The best of our languages in an Accept-Language header; English if none."""
    best, best_q = "en", 0.0
    for part in header.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        quality = _quality(params)
        if code in CATALOGUES and quality > best_q:
            best, best_q = code, quality
    return best


def _quality(params: str) -> float:
    name, _, value = params.strip().partition("=")
    if name.strip() != "q":
        return 1.0
    try:
        return max(0.0, min(1.0, float(value)))
    except ValueError:
        return 0.0


def _language(code: str, *, chosen: bool) -> Language:
    direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
    return Language(code, direction, CATALOGUES[code], chosen)
