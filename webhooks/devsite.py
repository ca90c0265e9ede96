"""The development site of `make run`: a key for the hosted page and a sample widget page.

Only with the simulated carrier. Its key is public on purpose (like the simulated auth
token): it lets a newcomer try the hosted page and the widget without inventing a key,
hashing it and editing the config. A real deployment lists its own sites in the config.
So does the development supervisor key, when the config names none: it opens the
supervisor's view of `GET /api/v1/queues` (today's figures) to a newcomer watching the demo.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from callback.config import SupervisorConfig
from callback.config.api import SiteConfig
from settings import Settings
from webhooks.dev_calls import CALLS_PATH, call_routes
from webhooks.hosted import HEADERS
from webhooks.services import services

DEV_SITE_ID = "holdless-dev"
DEV_SITE_KEY = "pk_holdless_dev_simulated_only"
"""The development site's public key; accepted only while the simulated carrier runs."""
DEV_SUPERVISOR_KEY = "sk_holdless_dev_simulated_only"
"""The supervisor key of a simulated run whose config sets none; public on purpose."""
SAMPLE_PATH = "/dev/widget"
_LOOPBACK_NAMES = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}

Extend = Callable[[SupervisorConfig], SupervisorConfig]


def enabled(settings: Settings) -> bool:
    """True only with the simulated carrier: nothing of this site exists otherwise."""
    return settings.carrier == "simulated"


def dev_origins(settings: Settings) -> tuple[str, ...]:
    """The service's own origin, and its other loopback name when it listens locally."""
    parts = urlsplit(str(settings.public_base_url))
    origins = [f"{parts.scheme}://{parts.netloc}"]
    alias = _LOOPBACK_NAMES.get(parts.hostname or "")
    if alias is not None:
        port = f":{parts.port}" if parts.port is not None else ""
        origins.append(f"{parts.scheme}://{alias}{port}")
    return tuple(origins)


def dev_site_extension(settings: Settings) -> Extend | None:
    """Adds the development site to each loaded config; None outside simulated mode."""
    if not enabled(settings):
        return None
    site = SiteConfig(
        id=DEV_SITE_ID,
        key_sha256=hashlib.sha256(DEV_SITE_KEY.encode()).hexdigest(),
        origins=dev_origins(settings),
    )

    def extend(config: SupervisorConfig) -> SupervisorConfig:
        return _with_dev_supervisor(_with_dev_site(config, site))

    return extend


def _with_dev_site(config: SupervisorConfig, site: SiteConfig) -> SupervisorConfig:
    if any(existing.id == DEV_SITE_ID for existing in config.api.sites):
        return config  # the supervisor defined it: theirs wins
    api = config.api.model_copy(update={"sites": (*config.api.sites, site)})
    return config.model_copy(update={"api": api})


def _with_dev_supervisor(config: SupervisorConfig) -> SupervisorConfig:
    if config.service.supervisor_key_sha256 is not None:
        return config  # the supervisor set a key: only theirs works
    digest = hashlib.sha256(DEV_SUPERVISOR_KEY.encode()).hexdigest()
    service = config.service.model_copy(update={"supervisor_key_sha256": digest})
    return config.model_copy(update={"service": service})


def dev_links(settings: Settings, config: SupervisorConfig) -> list[tuple[str, str]]:
    """What the start banner shows: the hosted page, the sample host page, the key."""
    if not enabled(settings):
        return []
    base = str(settings.public_base_url).rstrip("/")
    queue = next(iter(config.queues))
    links = [
        ("hosted page", f"{base}/c/{queue}?key={DEV_SITE_KEY}"),
        ("widget demo", f"{base}{SAMPLE_PATH}"),
        ("dev site key", f"{DEV_SITE_KEY} (simulated carrier only)"),
    ]
    if config.service.supervisor_key_sha256 is None:
        figures = f"curl -H 'Authorization: Bearer {DEV_SUPERVISOR_KEY}' {base}/api/v1/queues"
        links.append(("today", figures))
    links.append(("calls", f"{base}{CALLS_PATH} (or: holdless calls list)"))
    return links


async def sample_page(request: Request) -> Response:
    """A plain page embedding the widget, the way a customer's web site would."""
    config = services(request).config.current
    wanted = request.query_params.get("queue", "")
    queue = wanted if wanted in config.queues else next(iter(config.queues))
    base = str(services(request).settings.public_base_url).rstrip("/")
    attrs = f'data-queue="{escape(queue)}" data-key="{DEV_SITE_KEY}"'
    # Loaded from this very origin (its CSP allows only 'self'); the snippet shows the URL
    # a page on another site would use.
    tag = f'<script src="{escape(base)}/widget.js" {attrs} async></script>'
    company = escape(config.service.company)
    body = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Holdless widget demo</title>\n"
        f'<script src="/widget.js" {attrs} async></script>\n</head>\n<body>\n'
        f"<h1>{company}: widget demo</h1>\n"
        "<p>A stand-in for your web site. The button in the corner is the widget; "
        "put this tag in your own page, with a site from the config file:</p>\n"
        f"<pre>{escape(tag)}</pre>\n</body>\n</html>\n"
    )
    return HTMLResponse(body, headers=dict(HEADERS))


def dev_routes(settings: Settings) -> list[Route]:
    """The sample page's route; none outside simulated mode."""
    if not enabled(settings):
        return []
    return [Route(SAMPLE_PATH, sample_page, methods=["GET", "HEAD"]), *call_routes()]
