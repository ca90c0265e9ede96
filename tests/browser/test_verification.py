"""SMS verification in the widget: the code field, a wrong code, an expired and a locked one."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Clock, Shots, Stack, StackMaker, Texts, panel
from tests.browser.test_widget import FILL_MS

SMS = {'verify_numbers = "off" ': 'verify_numbers = "sms" '}
WRONG = "That code is not right. Please check it and try again."


def _ask(page: Page, stack: Stack) -> None:
    page.goto(stack.host_page())
    page.get_by_role("button", name="Call me back").click()
    page.get_by_label("Phone number").fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(page.get_by_label("Verification code")).to_be_focused()


def _not(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_wrong_code_is_shown_at_the_field_and_the_right_one_books(
    make_stack: StackMaker, page: Page, shot: Shots
) -> None:
    texts = Texts()
    stack = make_stack(texts=texts, edits=SMS)
    _ask(page, stack)
    expect(panel(page).get_by_text("We have sent you a code by text message.")).to_be_visible()
    assert texts.sent[-1][0] == "+442079460456"  # the code goes to the number typed
    shot("code")
    field = page.get_by_label("Verification code")
    field.fill(_not(texts.last_code()))
    page.get_by_role("button", name="Confirm").click()
    error = page.locator("#hl-code-err")
    expect(error).to_have_text(WRONG)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(page.get_by_role("status")).to_have_text(WRONG)
    shot("wrong-code")
    field.fill(texts.last_code())
    page.get_by_role("button", name="Confirm").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my callback")).to_be_visible()
    shot("booked")


def test_an_expired_code_leads_back_to_the_form(
    make_stack: StackMaker, page: Page, shot: Shots
) -> None:
    texts, clock = Texts(), Clock()
    stack = make_stack(clock=clock, texts=texts, edits=SMS)
    _ask(page, stack)
    clock.now += timedelta(minutes=11)  # the example's codes last ten minutes
    page.get_by_label("Verification code").fill(texts.last_code())
    page.get_by_role("button", name="Confirm").click()
    message = "The code has expired. Please send the form again."
    expect(panel(page).get_by_text(message)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(message)
    expect(page.get_by_label("Phone number")).to_be_focused()
    expect(page.get_by_label("Verification code")).to_be_hidden()
    shot("expired")


def test_too_many_wrong_codes_lock_the_request(
    make_stack: StackMaker, page: Page, shot: Shots
) -> None:
    texts = Texts()
    edits = SMS | {"verification_attempts = 5 ": "verification_attempts = 1 "}
    stack = make_stack(texts=texts, edits=edits)
    _ask(page, stack)
    field = page.get_by_label("Verification code")
    field.fill(_not(texts.last_code()))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#hl-code-err")).to_have_text(WRONG)
    page.get_by_role("button", name="Confirm").click()
    message = "Too many wrong codes. Please try again later."
    expect(panel(page).get_by_text(message)).to_be_visible()
    expect(page.get_by_label("Phone number")).to_be_visible()
    shot("locked")
