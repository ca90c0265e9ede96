"""Preferred time: as soon as possible or a slot, chosen in the widget and sent to the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Clock, Shots, Stack, StackMaker, panel
from tests.browser.test_widget import FILL_MS

# Sunday 8 March 2026, noon in London: the example's support queue is closed all day.
SUNDAY_NOON = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
WHEN = "When should we call you?"


def _open_form(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Call me back").click()
    page.get_by_label("Phone number").fill(PHONE)


def _send(page: Page) -> dict[str, object]:
    page.wait_for_timeout(FILL_MS)
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/api/v1/callbacks")
    ) as posted:
        page.get_by_role("button", name="Call me back").click()
    body = posted.value.post_data_json
    assert isinstance(body, dict)
    return body


def test_a_chosen_slot_is_sent_as_the_preferred_time(stack: Stack, page: Page, shot: Shots) -> None:
    _open_form(page, stack.host_page())
    when = page.get_by_label(WHEN)
    expect(when).to_have_value("asap")  # open now: as soon as possible comes first
    expect(when.locator("option").first).to_have_text("As soon as possible")
    first_slot = when.locator("option").nth(1)
    # Monday 10:00: the next slot with room starts at 10:30 and lasts the configured 30 min.
    expect(first_slot).to_have_attribute("value", "2026-03-02T10:30:00Z")
    expect(first_slot).to_have_text(re.compile(r"^Monday 10:30.*11:00"))
    assert when.locator("option").count() <= 9  # ASAP and at most eight slots
    shot("choice")
    when.select_option("2026-03-02T10:30:00Z")
    body = _send(page)
    assert body["preferred_time"] == "2026-03-02T10:30:00Z"
    expect(
        panel(page).get_by_text(re.compile(r"We will call you between Monday 10:30"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my callback")).to_be_visible()
    shot("scheduled")


def test_as_soon_as_possible_sends_no_slot(stack: Stack, page: Page) -> None:
    _open_form(page, stack.host_page())
    expect(page.get_by_label(WHEN)).to_have_value("asap")
    assert "preferred_time" not in _send(page)
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()


def test_a_closed_queue_always_offers_its_next_slots(
    make_stack: StackMaker, page: Page, shot: Shots
) -> None:
    stack = make_stack(clock=Clock(SUNDAY_NOON))
    page.goto(stack.host_page())
    page.get_by_role("button", name="Call me back").click()
    expect(
        panel(page).get_by_text(re.compile(r"We are closed now\..*Choose a time and we will call"))
    ).to_be_visible()
    when = page.get_by_label(WHEN)
    expect(when.locator("option[value=asap]")).to_have_count(0)
    expect(when).to_have_value("2026-03-09T08:00:00Z")  # Monday's opening slot
    expect(page.get_by_role("button", name="Call me back")).to_be_enabled()
    shot("closed-choice")
    page.get_by_label("Phone number").fill(PHONE)
    assert _send(page)["preferred_time"] == "2026-03-09T08:00:00Z"
    expect(
        panel(page).get_by_text(re.compile(r"We will call you between Monday 08:00"))
    ).to_be_visible()
    shot("scheduled")
