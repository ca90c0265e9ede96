"""`GET /widget.js`: the widget script, built once per app and served gzipped when accepted.

Its texts are not written in the script: they are the prompt catalogue's `[web]` tables,
filled in when the app starts, so a language file added to the catalogue reaches the widget.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from callback.config.catalogue import Catalogue

MEDIA_TYPE = "text/javascript; charset=utf-8"
MAX_AGE_S = 300
TEXTS_SLOT = b"/*HOLDLESS:TEXTS*/{}"
RTL_SLOT = b"/*HOLDLESS:RTL*/[]"


@dataclass(frozen=True, slots=True)
class Script:
    """The widget's bytes, their gzip form and a validator for caches."""

    plain: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def load(cls, catalogue: Catalogue) -> Script:
        """The packaged `widget.js` speaking the catalogue's web languages."""
        source = files("webhooks.widget").joinpath("widget.js").read_bytes()
        plain = fill(source, catalogue)
        etag = '"' + hashlib.sha256(plain).hexdigest()[:32] + '"'
        return cls(plain, gzip.compress(plain, compresslevel=9, mtime=0), etag)

    def answer(self, request: Request) -> Response:
        """The script, 304 when the browser's copy is current, gzipped when it may be."""
        headers = {
            "ETag": self.etag,
            "Cache-Control": f"public, max-age={MAX_AGE_S}",
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
            # Host pages on other origins must be allowed to load it.
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=MEDIA_TYPE, headers=headers)
        return Response(self.plain, media_type=MEDIA_TYPE, headers=headers)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def fill(source: bytes, catalogue: Catalogue) -> bytes:
    """The script with the catalogue's web texts and right-to-left languages in their slots."""
    codes = catalogue.web_languages
    texts = {code: dict(catalogue.language(code).web) for code in codes}
    rtl = [code for code in codes if catalogue.language(code).direction == "rtl"]
    for slot in (TEXTS_SLOT, RTL_SLOT):
        if source.count(slot) != 1:
            raise ValueError(f"widget.js must hold {slot.decode()} exactly once")
    return source.replace(TEXTS_SLOT, _json(texts)).replace(RTL_SLOT, _json(rtl))


def widget_routes(catalogue: Catalogue) -> list[BaseRoute]:
    """The route serving the widget script, in the languages of `catalogue`."""
    script = Script.load(catalogue)

    async def widget_js(request: Request) -> Response:
        return script.answer(request)

    return [Route("/widget.js", widget_js, methods=["GET", "HEAD"])]
