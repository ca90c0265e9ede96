"""The wallboard and the request list in Debian's Chromium: live updates, acting on a request.

Screenshots of each step are kept under test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from callback.store import QueueStore
from callback.store.announcements import Told, told_request
from callback.store.engine import write_transaction
from callback.store.request_sms import SmsKind, record_sms
from callback.types import RequestId, State
from tests.browser.conftest import MONDAY_10, Shots, Stack
from tests.browser.console_pages import console_database, page_errors, sign_in
from tests.callback.store.support import SUPPORT, incoming, number
from tests.webhooks.console.support import records


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """The stack's database, with the console users in it."""
    yield from console_database(sqlite_url)


@pytest.fixture
def complaints(page: Page) -> list[str]:
    """Errors the page logged (a Content-Security-Policy violation would be one)."""
    return page_errors(page, 1600, 1000)


def _sign_in(page: Page, stack: Stack, name: str) -> None:
    sign_in(page, stack.app.origin, name, "/console/")


def test_the_wallboard_updates_live_when_a_request_is_booked(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    _sign_in(page, stack, "sam")
    expect(page.get_by_role("heading", name="Wallboard")).to_be_visible()
    line = page.locator('[data-field="support.line"]')
    expect(line).to_have_text("0")
    expect(page.locator("#live")).to_have_text("Live")  # the stream is open
    page.evaluate("window.sameDocument = true")  # gone if the page were loaded again
    shot("wallboard-empty")
    store = QueueStore(engine)
    store.enqueue(SUPPORT, number(1), incoming(60), MONDAY_10)
    store.enqueue(SUPPORT, number(2), incoming(60), MONDAY_10)
    expect(line).to_have_text("2")
    expect(page.locator('[data-field="support.offered"]')).to_have_text("2")
    assert page.evaluate("window.sameDocument") is True
    shot("wallboard-two-booked")
    assert complaints == []


def _told_and_texted(engine: Engine, request_id: RequestId) -> None:
    """A code texted before booking and two positions told, the second after two went ahead."""
    wait = timedelta(minutes=4)
    with write_transaction(engine) as connection:
        record_sms(connection, request_id, SmsKind.VERIFICATION, None, MONDAY_10)
        for minutes, ahead in ((0, 2), (1, 0)):
            told = Told(
                SUPPORT, "web", MONDAY_10 + timedelta(minutes=minutes), ahead, wait, wait, wait
            )
            told_request(connection, request_id, told)


def test_a_supervisor_moves_up_and_cancels_from_the_list(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    store = QueueStore(engine)
    first = store.enqueue(SUPPORT, number(1), incoming(0), MONDAY_10).request.id
    _told_and_texted(engine, first)
    _sign_in(page, stack, "sam")
    page.get_by_role("link", name="Requests").click()
    row = page.locator(f"#request-{first}")
    expect(row.locator(".number")).to_have_text("+44 ******* 01")
    shot("list")
    row.get_by_role("button", name="Move up").click()
    expect(page.get_by_role("status")).to_have_text(f"Done: move-up #{first}.")
    expect(page.locator(f"#request-{first} .priority")).to_have_text("1")
    shot("moved-up")
    page.locator(f"#request-{first}").get_by_role("button", name="Cancel").click()
    expect(page.locator(f"#request-{first}")).to_have_attribute("data-state", "cancelled")
    shot("cancelled")
    page.get_by_role("link", name=f"#{first}").click()
    expect(page.get_by_role("heading", name=re.compile("Timeline"))).to_be_visible()
    steps = page.locator("table tr")
    expect(steps.filter(has_text="sms_verification")).to_contain_text("code not shown")
    expect(steps.filter(has_text="announced").first).to_contain_text("position 3; wait 4 min")
    expect(steps.filter(has_text="announced").last).to_contain_text("moved up 2")
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator("#number")).to_have_text(number(1))
    shot("timeline-revealed")
    found = store.get(first)
    assert found is not None and found.state is State.CANCELLED
    assert [r.action for r in records(engine)][:3] == ["reveal", "cancel", "move-up"]
    assert complaints == []


def test_a_supervisor_reschedules_on_the_queues_clock(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    store = QueueStore(engine)
    booked = store.enqueue(SUPPORT, number(1), incoming(0), MONDAY_10).request.id
    _sign_in(page, stack, "sam")
    page.get_by_role("link", name="Requests").click()
    row = page.locator(f"#request-{booked}")
    # Support keeps London's clock: 1 April is summer time, an hour ahead of UTC.
    row.get_by_label("New time").fill("2026-04-01T15:30")
    row.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_role("status")).to_have_text(f"Done: reschedule #{booked}.")
    expect(page.locator(f"#request-{booked} .due")).to_have_text("2026-04-01 15:30 BST")
    expect(page.locator(f"#request-{booked}")).to_have_attribute("data-state", "scheduled")
    shot("rescheduled")
    found = store.get(booked)
    assert found is not None and found.due_at() == datetime(2026, 4, 1, 14, 30, tzinfo=UTC)
    assert [r.action for r in records(engine)][:1] == ["reschedule"]
    assert complaints == []
