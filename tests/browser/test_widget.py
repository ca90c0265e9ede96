"""The widget on a plain host page of another origin, in real headless Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Shots, Stack, panel

# Ofcom's drama range for premium-rate numbers: the number policy refuses premium rate.
PREMIUM = "+44 909 879 0000"
FILL_MS = 1100  # a person takes longer than the test config's one-second minimum
# The wait and the place booking now would take (nobody in line yet: the first).
BEFORE_ASKING = re.compile(
    r"We are open\. Expected wait: about \d+ min .*\. Ask now and you will be number 1 in line\."
)


def test_request_position_and_cancel(stack: Stack, page: Page, shot: Shots) -> None:
    page.goto(stack.host_page())
    launcher = page.get_by_role("button", name="Call me back")
    expect(launcher).to_be_visible()
    # The host page's `button { background: red }` does not reach into the shadow root.
    expect(launcher).to_have_css("background-color", "rgb(138, 43, 226)")
    shot("closed")
    launcher.click()
    expect(panel(page).get_by_text(BEFORE_ASKING)).to_be_visible()
    shot("wait")
    page.get_by_label("Phone number").fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    expect(
        panel(page).get_by_text(re.compile(r"We will call you in about \d+ min, by"))
    ).to_be_visible()
    shot("position")
    page.get_by_role("button", name="Cancel my callback").click()
    expect(panel(page).get_by_text("Your callback is cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my callback")).to_be_hidden()
    shot("cancelled")


def test_invalid_number_error_is_next_to_the_field(stack: Stack, page: Page, shot: Shots) -> None:
    page.goto(stack.host_page())
    launcher = page.get_by_role("button", name="Call me back")
    launcher.focus()
    page.keyboard.press("Enter")
    phone = page.get_by_label("Phone number")
    expect(phone).to_be_focused()
    expect(panel(page).get_by_text(re.compile(r"We are open"))).to_be_visible()
    page.keyboard.type(PREMIUM)
    page.wait_for_timeout(FILL_MS)
    page.keyboard.press("Enter")
    error = page.locator("#hl-phone-err")
    expect(error).not_to_be_empty()
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(error.inner_text())
    expect(page.get_by_role("status")).to_have_text(error.inner_text())
    shot("invalid-number")
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    shot("closed-again")


def test_persian_widget_is_right_to_left(stack: Stack, page: Page, shot: Shots) -> None:
    page.goto(stack.host_page("fa"))
    launcher = page.get_by_role("button", name="با من تماس بگیرید")
    box = launcher.bounding_box()
    assert box is not None and box["x"] + box["width"] < 412 / 2  # inline end is the left in RTL
    launcher.click()
    expect(page.get_by_label("شماره تلفن")).to_be_visible()
    expect(page.get_by_role("region", name="ما با شما تماس می‌گیریم")).to_have_css(
        "direction", "rtl"
    )
    shot("persian")
