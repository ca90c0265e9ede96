"""`GET /c/{queue}`: the hosted request page, a link a business without a web site can share.

The page loads the same `/widget.js` in page mode. Its link carries the public key of a site
that lists the service's own origin (the public base URL), e.g.
`https://calls.example.com/c/support?key=pk_...&lang=fa`, so the API's origin check holds.
The site's `widget` branding (colour, texts) is written into the script tag's attributes.
The languages offered and the page's own texts are the prompt catalogue's (`[web]`).
"""

from __future__ import annotations

from html import escape
from types import MappingProxyType
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from callback.config import SupervisorConfig
from callback.config.api import SiteConfig
from callback.config.catalogue import REFERENCE
from webhooks.api.errors import ApiProblem
from webhooks.api.widget_style import site_of
from webhooks.services import services

CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = MappingProxyType(
    {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
)


def origin_of(url: str) -> str:
    """The origin ("scheme://host[:port]") of an absolute URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def hosted_page(request: Request) -> Response:
    """The request form for one queue on a page of its own."""
    svc = services(request)
    config = svc.config.current
    queue = request.path_params["queue"]
    lang = page_language(config, queue, request.query_params.get("lang", ""))
    key = request.query_params.get("key", "")
    site = _site(config, key, str(svc.settings.public_base_url))
    if queue not in config.queues or site is None:
        return page(config, lang, _text(config, lang, "noLink"), "", status=404)
    return page(config, lang, _title(config, queue), _widget(queue, key, lang, site))


def page_language(config: SupervisorConfig, queue: str, wanted: str) -> str:
    """`wanted` if the catalogue has its web texts, else the queue's first such language."""
    offered = config.catalogue.web_languages
    if wanted in offered:
        return wanted
    spoken = config.queues[queue].languages if queue in config.queues else ()
    return next((code for code in spoken if code in offered), REFERENCE)


def _text(config: SupervisorConfig, lang: str, key: str) -> str:
    return config.catalogue.language(lang).web[key]


def _site(config: SupervisorConfig, key: str, base_url: str) -> SiteConfig | None:
    # The same check the API makes when the page posts from the service's own origin.
    try:
        return site_of(config.api, key, origin_of(base_url))
    except ApiProblem:
        return None


def _title(config: SupervisorConfig, queue: str) -> str:
    company = config.service.company
    shown = config.queues[queue].display_name
    return f"{company}: {shown}" if shown else company


def _widget(queue: str, key: str, lang: str, site: SiteConfig) -> str:
    attrs = {"queue": queue, "key": key, "lang": lang, "mode": "page"} | _branding(site, lang)
    data = " ".join(f'data-{name}="{escape(value)}"' for name, value in attrs.items())
    return f'<script src="/widget.js" {data} async></script>'


def _branding(site: SiteConfig, lang: str) -> dict[str, str]:
    style = site.widget
    texts = style.texts.get(lang)
    given = {
        "color": style.color,
        "title": texts.title if texts is not None else None,
        "button": texts.button if texts is not None else None,
    }
    return {name: value for name, value in given.items() if value is not None}


def page(
    config: SupervisorConfig, lang: str, heading: str, widget: str, status: int = 200
) -> Response:
    """The hosted page in `lang`: its direction and own texts from the catalogue."""
    direction = config.catalogue.language(lang).direction
    help_url = config.service.support_url
    help_text = escape(_text(config, lang, "help"))
    no_script = escape(_text(config, lang, "noScript"))
    help_link = f'<p><a href="{escape(str(help_url))}">{help_text}</a></p>' if help_url else ""
    body = (
        "<!doctype html>\n"
        f'<html lang="{lang}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(heading)}</title>\n{widget}\n</head>\n<body>\n"
        f"<main data-holdless-target>\n<h1>{escape(heading)}</h1>\n"
        f"<noscript><p>{no_script}</p></noscript>\n</main>\n{help_link}\n</body>\n</html>\n"
    )
    return HTMLResponse(body, status_code=status, headers=dict(HEADERS))


def hosted_routes() -> list[Route]:
    """The hosted page's route."""
    return [Route("/c/{queue}", hosted_page, methods=["GET", "HEAD"])]
