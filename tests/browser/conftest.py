"""A real Holdless server, a plain host page on another origin, and headless Chromium."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
# Monday 2 March 2026, 10:00 in London: the example's support queue is open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
# Ofcom's drama range: a valid London number that never reaches a real person.
PHONE = "020 7946 0456"
# The host page's own CSS tries to restyle every button; the shadow root keeps it out.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example Energy</title>
<style>button {{ background: red !important; font-size: 4px !important; }}</style>
<script src="{app}/widget.js" data-queue="support" data-key="{key}" data-lang="{lang}"
  data-color="#8a2be2" data-poll-seconds="2" async></script>
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

    def host_page(self, lang: str = "en") -> str:
        """The URL of the plain host page embedding the widget."""
        return f"{self.host.origin}/?lang={lang}"

    def hosted(self, lang: str | None = None, key: str = SITE_KEY) -> str:
        """The URL of the hosted page for the support queue."""
        suffix = f"&lang={lang}" if lang else ""
        return f"{self.app.origin}/c/support?key={key}{suffix}"


def _config(path: Path, origins: list[str]) -> Path:
    listed = ", ".join(f'"{origin}"' for origin in origins)
    tables = (
        f'[[api.sites]]\nid = "www"\n'
        f'key_sha256 = "{hashlib.sha256(SITE_KEY.encode()).hexdigest()}"\n'
        f"origins = [{listed}]\n\n"
    )
    text = EXAMPLE.read_text().replace(
        "# How long personal data", tables + "# How long personal data"
    )
    # One second keeps the honest fill-time check on without slowing every test by three.
    text = text.replace("min_fill_seconds = 3 ", "min_fill_seconds = 1 ")
    path.write_text(text)
    return path


def _host_app(app_origin: str) -> Starlette:
    async def page(request: Request) -> HTMLResponse:
        lang = request.query_params.get("lang", "en")
        return HTMLResponse(HOST_PAGE.format(app=app_origin, key=SITE_KEY, lang=lang[:2]))

    return Starlette(routes=[Route("/", page)])


@pytest.fixture
def stack(sqlite_url: str, tmp_path: Path) -> Iterator[Stack]:
    """Holdless on a fresh database and a host page on another origin, both serving."""
    app_sock, host_sock = bound_socket(), bound_socket()
    app_origin, host_origin = origin_of(app_sock), origin_of(host_sock)
    config = _config(tmp_path / "holdless.toml", [host_origin, app_origin])
    settings = Settings(
        _env_file=None,
        database_url=sqlite_url,
        config_file=config,
        public_base_url=app_origin,
    )
    app = Served(create_app(settings, clock=lambda: MONDAY_10, ticker=False), app_sock).start()
    try:
        host = Served(_host_app(app_origin), host_sock).start()
        try:
            yield Stack(app, host)
        finally:
            host.stop()
    finally:
        app.stop()


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
    """A fresh browser context and page in English, on a phone-sized screen."""
    context = browser.new_context(locale="en-GB", viewport={"width": 412, "height": 860})
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
