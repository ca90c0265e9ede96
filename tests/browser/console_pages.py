"""What every console browser test needs: a database with the console users, the page's
logged errors, and signing in."""

from __future__ import annotations

from collections.abc import Iterator

from playwright.sync_api import ConsoleMessage, Page
from sqlalchemy import Engine

from callback.store import make_engine
from tests.webhooks.console.support import PASSWORD, add_users


def console_database(sqlite_url: str) -> Iterator[Engine]:
    """The stack's database with the console users in it (a fixture body: `yield from`)."""
    engine = make_engine(sqlite_url)
    add_users(engine)
    yield engine
    engine.dispose()


def page_errors(page: Page, width: int, height: int) -> list[str]:
    """Errors the page will log (a Content-Security-Policy violation would be one), at a
    window of `width` x `height` for the screenshots."""
    found: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(message.text)

    page.on("console", heard)
    page.set_viewport_size({"width": width, "height": height})
    return found


def sign_in(page: Page, origin: str, name: str, path: str = "/console/sign-in") -> None:
    """Open `path` (the sign-in page, or a page that sends there) and sign in as `name`."""
    page.goto(f"{origin}{path}")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # the keyboard is enough
