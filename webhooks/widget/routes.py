"""`GET /widget.js`: the widget script, read once per app and served gzipped when accepted."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

MEDIA_TYPE = "text/javascript; charset=utf-8"
MAX_AGE_S = 300


@dataclass(frozen=True, slots=True)
class Script:
    """The widget's bytes, their gzip form and a validator for caches."""

    plain: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def load(cls) -> Script:
        """The packaged `widget.js`."""
        plain = files("webhooks.widget").joinpath("widget.js").read_bytes()
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


def widget_routes() -> list[BaseRoute]:
    """The route serving the widget script."""
    script = Script.load()

    async def widget_js(request: Request) -> Response:
        return script.answer(request)

    return [Route("/widget.js", widget_js, methods=["GET", "HEAD"])]
