"""`GET /api/v1/widget`: the branding of the site whose public key the widget sends."""

from __future__ import annotations

from typing import Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config.api import ApiConfig, SiteConfig
from callback.config.widget import WidgetStyle, WidgetTexts
from webhooks.api.auth import SITE_KEY, site_client
from webhooks.api.cors import answer, with_cors
from webhooks.api.errors import ApiProblem
from webhooks.api.schemas import Strict
from webhooks.services import services

MAX_AGE_S = 60
"""Short: a config edit reaches pages within a minute."""


class WidgetTextsOut(Strict):
    """A site's own button text and heading in one language."""

    button: str | None
    title: str | None


class WidgetStyleOut(Strict):
    """How the widget of one site looks; attributes on its script tag override each field."""

    color: str | None
    position: Literal["bottom-right", "bottom-left", "inline"]
    proactive_seconds: int | None
    texts: dict[str, WidgetTextsOut]


def style_out(style: WidgetStyle) -> WidgetStyleOut:
    """The `widget` table of a site as the widget reads it."""
    delay = style.proactive_after
    return WidgetStyleOut(
        color=style.color,
        position=style.position.value,
        proactive_seconds=round(delay.total_seconds()) if delay is not None else None,
        texts={code: _texts_out(texts) for code, texts in style.texts.items()},
    )


def _texts_out(texts: WidgetTexts) -> WidgetTextsOut:
    return WidgetTextsOut(button=texts.button, title=texts.title)


def site_of(config: ApiConfig, key: str, origin: str | None) -> SiteConfig:
    """The site whose key is `key`, asked from one of its own origins (else 401 or 403)."""
    client = site_client(config, key, origin)
    return next(site for site in config.sites if site.id == client.id)


async def widget_style(request: Request) -> Response:
    """The site's colour, corner, texts and proactive delay, cacheable for a minute."""
    config = services(request).config.current.api
    try:
        site = site_of(config, request.headers.get(SITE_KEY, ""), request.headers.get("origin"))
    except ApiProblem as problem:
        return answer(request, problem)
    body = style_out(site.widget).model_dump(mode="json")
    response = with_cors(request, JSONResponse(body))
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE_S}"
    # The answer depends on the key header too, not only on the URL and the origin.
    response.headers["Vary"] = f"Origin, {SITE_KEY}"
    return response
