"""`GET /c/{queue}`: the hosted request page, a link a business without a web site can share.

The page loads the same `/widget.js` in page mode. Its link carries the public key of a site
that lists the service's own origin (the public base URL), e.g.
`https://calls.example.com/c/support?key=pk_...&lang=fa`, so the API's origin check holds.
The site's `widget` branding (colour, texts) is written into the script tag's attributes.
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
from webhooks.api.errors import ApiProblem
from webhooks.api.widget_style import site_of
from webhooks.services import services

LANGUAGES = ("en", "ru", "fa", "is")
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
NO_LINK = MappingProxyType(
    {
        "en": "This link is not valid. Please ask the business for a new one.",
        "ru": "Эта ссылка недействительна. Попросите у компании новую.",
        "fa": "این پیوند معتبر نیست. لطفاً از کسب‌وکار پیوند تازه‌ای بخواهید.",
        "is": "Þessi hlekkur er ekki gildur. Biddu fyrirtækið um nýjan.",
    }
)
NO_SCRIPT = MappingProxyType(
    {
        "en": "Please turn on JavaScript to ask for a callback.",
        "ru": "Включите JavaScript, чтобы заказать обратный звонок.",
        "fa": "برای درخواست تماس، جاوااسکریپت را فعال کنید.",
        "is": "Kveiktu á JavaScript til að biðja um símtal.",
    }
)
HELP = MappingProxyType(
    {"en": "Help pages", "ru": "Справка", "fa": "صفحه‌های راهنما", "is": "Hjálparsíður"}
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
    lang = _language(config, queue, request.query_params.get("lang", ""))
    key = request.query_params.get("key", "")
    site = _site(config, key, str(svc.settings.public_base_url))
    if queue not in config.queues or site is None:
        return _page(config, lang, NO_LINK[lang], "", status=404)
    return _page(config, lang, _title(config, queue), _widget(queue, key, lang, site))


def _language(config: SupervisorConfig, queue: str, wanted: str) -> str:
    if wanted in LANGUAGES:
        return wanted
    spoken = config.queues[queue].languages if queue in config.queues else ()
    return next((code for code in spoken if code in LANGUAGES), "en")


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
    texts = style.texts.by_language().get(lang)
    given = {
        "color": style.color,
        "title": texts.title if texts is not None else None,
        "button": texts.button if texts is not None else None,
    }
    return {name: value for name, value in given.items() if value is not None}


def _page(
    config: SupervisorConfig, lang: str, heading: str, widget: str, status: int = 200
) -> Response:
    direction = (
        config.catalogue.language(lang).direction if lang in config.catalogue.languages else "ltr"
    )
    help_url = config.service.support_url
    help_link = f'<p><a href="{escape(str(help_url))}">{HELP[lang]}</a></p>' if help_url else ""
    body = (
        "<!doctype html>\n"
        f'<html lang="{lang}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(heading)}</title>\n{widget}\n</head>\n<body>\n"
        f"<main data-holdless-target>\n<h1>{escape(heading)}</h1>\n"
        f"<noscript><p>{NO_SCRIPT[lang]}</p></noscript>\n</main>\n{help_link}\n</body>\n</html>\n"
    )
    return HTMLResponse(body, status_code=status, headers=dict(HEADERS))


def hosted_routes() -> list[Route]:
    """The hosted page's route."""
    return [Route("/c/{queue}", hosted_page, methods=["GET", "HEAD"])]
