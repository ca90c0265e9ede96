"""A supervisor in Debian's Chromium: sets an agent's state, plays and handles a voicemail,
reads the config page.

Screenshots of each step are kept under test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from callback.store import QueueStore, make_engine
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.voicemails import Recording, VoicemailStore
from callback.types import AgentId, QueueName
from tests.browser.conftest import MONDAY_10, Shots, Stack
from tests.browser.console_pages import page_errors, sign_in
from tests.webhooks.console.support import add_users, records

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC00/Recordings/RE0001"


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """The stack's database, with the console users and one voicemail in it."""
    engine = make_engine(sqlite_url)
    add_users(engine)
    message = Recording("CA0001", QueueName("support"), "en", RECORDING, 17)
    VoicemailStore(engine).keep(message, MONDAY_10)
    yield engine
    engine.dispose()


@pytest.fixture
def complaints(page: Page) -> list[str]:
    """Errors the page logged (a Content-Security-Policy violation would be one)."""
    return page_errors(page, 1200, 800)


def _two_applied_edits(engine: Engine) -> None:
    """Two changes as the reload job records them, each with the text it applied."""
    first = '[queues.support]\ndisplay_name = "Customer support"\n'
    second = first.replace("Customer support", "Help desk")
    store = QueueStore(engine)
    store.record_config_change(MONDAY_10, "holdless.toml", "a0", "a1", ["queues"], first)
    store.record_config_change(MONDAY_10, "holdless.toml", "a1", "a2", ["queues"], second)


def _sign_in_as_sam(page: Page, stack: Stack) -> None:
    sign_in(page, stack.app.origin, "sam")
    expect(page.get_by_role("heading", name="Wallboard")).to_be_visible()


def test_a_supervisor_sets_an_agent_away_and_handles_a_voicemail(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    _sign_in_as_sam(page, stack)
    page.get_by_role("link", name="Agents").click()
    expect(page.get_by_role("heading", name="Agents")).to_be_visible()
    boris = page.locator("#agent-boris")
    expect(boris).to_have_attribute("data-status", "offline")
    shot("agents")
    boris.get_by_label("Set state: Boris Volkov").select_option("away")
    boris.get_by_role("button", name="Set").click()
    expect(page.get_by_role("status")).to_have_text("Boris Volkov is now away.")
    expect(page.locator("#agent-boris")).to_have_attribute("data-status", "away")
    presence = PresenceStore(engine).get(AgentId("boris"))
    assert presence is not None
    assert presence.status is AgentStatus.AWAY
    shot("boris-away")

    page.get_by_role("link", name="Voicemail").click()
    audio = page.locator("audio")
    expect(audio).to_have_attribute("src", RECORDING)
    assert audio.evaluate("element => element.controls") is True
    shot("voicemail")
    page.get_by_role("button", name="Mark handled").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Voicemail \d+ is marked handled"))
    expect(page.locator("audio")).to_have_count(0)
    handled = VoicemailStore(engine).get(1)
    assert handled is not None
    assert handled.handled_by == "sam"
    shot("voicemail-handled")

    _two_applied_edits(engine)
    page.get_by_role("link", name="Configuration").click()
    expect(page.get_by_role("heading", name="Applied changes")).to_be_visible()
    expect(page.locator("pre.diff")).to_contain_text('+display_name = "Help desk"')
    shot("config")
    page.goto(f"{stack.app.origin}/console/agents?lang=fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="کارشناسان")).to_be_visible()
    shot("agents-fa")
    actions = [r.action for r in records(engine)][:3]
    assert actions == ["voicemail-handled", "presence", "sign-in"]
    assert complaints == []
