"""A real Holdless server, a plain host page on another origin, and headless Chromium."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from settings import Settings
from tests.browser.servers import Served, bound_socket, origin_of
from webhooks.app import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "holdless.example.toml"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SITE_KEY = "pk_browser_test_site"
BRAND_KEY = "pk_browser_test_brand"
# The second site's `widget` table: what the branding tests expect to see.
BRAND = """[api.sites.widget]
color = "#0a7d33"
position = "bottom-left"
proactive_after = "2s"
texts.en = { title = "Talk to Example Energy" }
texts.fa = { button = "تماس با ما" }
"""
# Monday 2 March 2026, 10:00 in London: the example's support queue is open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
# Ofcom's drama range: a valid London number that never reaches a real person.
PHONE = "020 7946 0456"
# The host page's own CSS tries to restyle every button; the shadow root keeps it out.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example Energy</title>
<style>button {{ background: red !important; font-size: 4px !important; }}</style>
<script src="{app}/widget.js" data-queue="support" data-key="{key}" data-lang="{lang}"
  {attrs} data-poll-seconds="2" async></script>
</head><body><h1>Example Energy</h1><p>Our tariffs.</p></body></html>
"""


def panel(page: Page) -> Locator:
    """The widget's visible panel (its screen-reader announcer repeats texts outside it)."""
    return page.locator("#hl-panel")


@dataclass
class Stack:
    """The running servers the browser talks to."""

    app: Served
    host: Served

    def host_page(self, lang: str = "en", site: str = "www", attrs: str = "") -> str:
        """The URL of the plain host page embedding `site`'s widget, with extra `attrs`."""
        return f"{self.host.origin}/?lang={lang}&site={site}&attrs={quote(attrs)}"

    def hosted(self, lang: str | None = None, key: str = SITE_KEY) -> str:
        """The URL of the hosted page for the support queue."""
        suffix = f"&lang={lang}" if lang else ""
        return f"{self.app.origin}/c/support?key={key}{suffix}"


def _site(site_id: str, key: str, listed: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f'[[api.sites]]\nid = "{site_id}"\nkey_sha256 = "{digest}"\norigins = [{listed}]\n'


def _config(path: Path, origins: list[str], edits: dict[str, str]) -> Path:
    listed = ", ".join(f'"{origin}"' for origin in origins)
    tables = f"{_site('www', SITE_KEY, listed)}\n{_site('brand', BRAND_KEY, listed)}{BRAND}\n"
    text = EXAMPLE.read_text().replace(
        "# How long personal data", tables + "# How long personal data"
    )
    # One second keeps the honest fill-time check on without slowing every test by three.
    text = text.replace("min_fill_seconds = 3 ", "min_fill_seconds = 1 ")
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)
    return path


def _host_app(app_origin: str) -> Starlette:
    async def page(request: Request) -> HTMLResponse:
        lang = request.query_params.get("lang", "en")[:2]
        brand = request.query_params.get("site") == "brand"
        attrs = request.query_params.get("attrs", "")
        # The plain site sets its colour on the tag; the branded one takes it from the config.
        attrs = attrs if brand else f'data-color="#8a2be2" {attrs}'
        key = BRAND_KEY if brand else SITE_KEY
        return HTMLResponse(HOST_PAGE.format(app=app_origin, key=key, lang=lang, attrs=attrs))

    return Starlette(routes=[Route("/", page)])


@dataclass
class Clock:
    """The app's clock, which a test may move on."""

    now: datetime = MONDAY_10

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Texts:
    """Text messages the app sent, instead of a carrier."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, body: str) -> None:
        """Keep the message."""
        self.sent.append((to, body))

    def last_code(self) -> str:
        """The verification code in the last message."""
        found = re.search(r"\b(\d{6})\b", self.sent[-1][1])
        assert found is not None, self.sent[-1][1]
        return found[1]


StackMaker = Callable[..., Stack]


@pytest.fixture
def make_stack(sqlite_url: str, tmp_path: Path) -> Iterator[StackMaker]:
    """Starts Holdless on a fresh database and a host page on another origin, both serving.

    Its arguments: the app's `clock`, where its `texts` go, and `edits` of the config text.
    """
    with ExitStack() as running:

        def start(
            clock: Clock | None = None,
            texts: Texts | None = None,
            edits: dict[str, str] | None = None,
        ) -> Stack:
            app_sock, host_sock = bound_socket(), bound_socket()
            app_origin, host_origin = origin_of(app_sock), origin_of(host_sock)
            config = _config(tmp_path / "holdless.toml", [host_origin, app_origin], edits or {})
            settings = Settings(
                _env_file=None,
                database_url=sqlite_url,
                config_file=config,
                public_base_url=app_origin,
                carrier="simulated",
            )
            built = create_app(settings, clock=clock or Clock(), ticker=False, notifier=texts)
            app = Served(built, app_sock).start()
            running.callback(app.stop)
            host = Served(_host_app(app_origin), host_sock).start()
            running.callback(host.stop)
            return Stack(app, host)

        yield start


@pytest.fixture
def stack(make_stack: StackMaker) -> Stack:
    """Holdless at Monday 10:00 (open) and the host page, both serving."""
    return make_stack()


# Package scope, not session: the sync driver keeps an event loop running while it lives,
# and the asyncio tests of the other packages cannot start theirs until it has stopped.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Shots:
    """Screenshots of each step, kept under test-artifacts/browser/<test>/."""

    page: Page
    folder: Path
    taken: int = 0

    def __call__(self, step: str) -> None:
        """Save a full-page screenshot named after `step`."""
        self.taken += 1
        self.page.screenshot(path=self.folder / f"{self.taken:02d}-{step}.png", full_page=True)


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context and page in English, in London, on a phone-sized screen."""
    # The customers of a London queue, so clock times in the widget are London times.
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": 412, "height": 860}
    )
    context.set_default_timeout(15_000)
    found = context.new_page()
    yield found
    context.close()


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Shots:
    """Takes a screenshot of each step of this test."""
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Shots(page, folder)
