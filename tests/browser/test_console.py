"""The console in Debian's Chromium: sign in, see the home page, set one's state, sign out.

Screenshots of each step are kept under test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId
from tests.browser.conftest import Shots, Stack
from tests.browser.console_pages import console_database, page_errors
from tests.webhooks.console.support import PASSWORD, records


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """The stack's database, with the console users in it."""
    yield from console_database(sqlite_url)


@pytest.fixture
def complaints(page: Page) -> list[str]:
    """Errors the page logged (a Content-Security-Policy violation would be one)."""
    return page_errors(page, 1100, 760)


def _sign_in(page: Page, stack: Stack, name: str) -> None:
    page.goto(f"{stack.app.origin}/console/")
    expect(page).to_have_url(re.compile(r"/console/sign-in$"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # the keyboard is enough


def test_an_agent_signs_in_sets_their_state_and_signs_out(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    page.goto(f"{stack.app.origin}/console/sign-in")
    shot("sign-in")
    _sign_in(page, stack, "alice")
    expect(page.get_by_role("heading", name="My state")).to_be_visible()
    expect(page.locator("#state")).to_have_attribute("data-status", "offline")
    shot("home-offline")
    page.get_by_label("available").check()
    page.get_by_role("button", name="Set my state").click()
    expect(page.get_by_role("status")).to_have_text("Your state is now: available.")
    expect(page.locator("#state")).to_have_attribute("data-status", "available")
    presence = PresenceStore(engine).get(AgentId("alice"))
    assert presence is not None
    assert presence.status is AgentStatus.AVAILABLE
    shot("state-available")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    shot("signed-out")
    page.goto(f"{stack.app.origin}/console/")
    expect(page).to_have_url(re.compile(r"/console/sign-in$"))
    assert [r.action for r in records(engine)][:3] == ["sign-out", "presence", "sign-in"]
    assert complaints == []


def test_a_supervisor_sees_the_wallboard_in_persian_right_to_left(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    _sign_in(page, stack, "sam")
    expect(page.get_by_role("heading", name="Wallboard")).to_be_visible()
    page.wait_for_load_state("load")  # the page's script is in place before the list is used
    page.get_by_label("Language").select_option("fa")  # the page's script applies it at once
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="تابلو")).to_be_visible()
    shot("wallboard-fa")
    assert complaints == []
