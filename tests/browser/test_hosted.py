"""The hosted page `/c/{queue}` in real headless Chromium, under its Content-Security-Policy."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import PHONE, Shots, Stack, panel
from tests.browser.test_widget import BEFORE_ASKING, FILL_MS


def csp_violations(page: Page) -> list[str]:
    found: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", seen)
    return found


def test_hosted_request_position_and_cancel(stack: Stack, page: Page, shot: Shots) -> None:
    violations = csp_violations(page)
    response = page.goto(stack.hosted())
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="Example Energy: Customer support")).to_be_visible()
    expect(panel(page).get_by_text(BEFORE_ASKING)).to_be_visible()
    shot("wait")
    page.get_by_label("Phone number").fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    shot("position")
    page.get_by_role("button", name="Cancel my callback").click()
    expect(panel(page).get_by_text("Your callback is cancelled.")).to_be_visible()
    shot("cancelled")
    expect(page.get_by_role("button", name="Cancel my callback")).to_be_hidden()
    assert violations == []


def test_hosted_invalid_number_error_is_next_to_the_field(
    stack: Stack, page: Page, shot: Shots
) -> None:
    page.goto(stack.hosted())
    phone = page.get_by_label("Phone number")
    phone.fill("+44 909 879 0000")
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(page.locator("#hl-phone-err")).not_to_be_empty()
    expect(phone).to_have_attribute("aria-invalid", "true")
    shot("invalid-number")


def test_persian_hosted_page_is_right_to_left(stack: Stack, page: Page, shot: Shots) -> None:
    violations = csp_violations(page)
    page.goto(stack.hosted("fa"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.get_by_label("شماره تلفن")).to_be_visible()
    expect(page.get_by_role("region", name="ما با شما تماس می‌گیریم")).to_have_css(
        "direction", "rtl"
    )
    # The place before asking, in Persian words and digits.
    expect(panel(page).get_by_text("نفر ۱ در صف خواهید بود")).to_be_visible()
    # White on the brand colour: the widget's styles apply though inline styles are forbidden.
    expect(page.get_by_role("button", name="با من تماس بگیرید")).to_have_css(
        "color", "rgb(255, 255, 255)"
    )
    shot("persian")
    assert violations == []


def test_link_without_a_valid_key_says_so(stack: Stack, page: Page, shot: Shots) -> None:
    response = page.goto(stack.hosted(key="pk_wrong"))
    assert response is not None and response.status == 404
    expect(page.get_by_text("This link is not valid.")).to_be_visible()
    shot("invalid-link")
