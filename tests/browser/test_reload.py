"""A pending request survives a page reload: its place, its promise and its cancel button."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import BRAND_KEY, PHONE, SITE_KEY, Shots, Stack, panel
from tests.browser.test_widget import FILL_MS

MEMO = f"holdless:support:{SITE_KEY}"  # one pending request per queue and site


def _stored(page: Page) -> dict[str, str]:
    found = page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    assert isinstance(found, dict)
    return found


def _ask(page: Page) -> None:
    page.get_by_label("Phone number").fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()


def test_widget_resumes_after_a_reload_and_cancel_still_works(
    stack: Stack, page: Page, shot: Shots
) -> None:
    page.goto(stack.host_page())
    page.get_by_role("button", name="Call me back").click()
    _ask(page)
    assert list(_stored(page)) == [MEMO]
    assert "/api/v1/callbacks/" in _stored(page)[MEMO]
    page.reload()
    page.get_by_role("button", name="Call me back").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    expect(panel(page).get_by_text("We will call you in about")).to_be_visible()
    expect(page.get_by_label("Phone number")).to_be_hidden()
    expect(page.get_by_role("button", name="Cancel my callback")).to_be_focused()
    shot("resumed")
    page.get_by_role("button", name="Cancel my callback").click()
    expect(panel(page).get_by_text("Your callback is cancelled.")).to_be_visible()
    assert _stored(page) == {}
    shot("cancelled")
    page.reload()
    page.get_by_role("button", name="Call me back").click()
    expect(page.get_by_label("Phone number")).to_be_visible()
    shot("new-form")


def test_another_site_on_the_same_page_origin_does_not_see_it(stack: Stack, page: Page) -> None:
    page.goto(stack.host_page())
    page.get_by_role("button", name="Call me back").click()
    _ask(page)
    page.goto(stack.host_page(site="brand"))
    page.get_by_role("button", name="Call me back").click()
    expect(page.get_by_label("Phone number")).to_be_visible()
    assert f"holdless:support:{BRAND_KEY}" not in _stored(page)


def test_a_link_the_service_no_longer_knows_is_forgotten(stack: Stack, page: Page) -> None:
    page.goto(stack.host_page())
    gone = f"{stack.app.origin}/api/v1/callbacks/no-such-token"
    page.evaluate("([key, url]) => localStorage.setItem(key, url)", [MEMO, gone])
    with page.expect_response(lambda r: r.url == gone and r.status == 404):
        page.reload()
    page.get_by_role("button", name="Call me back").click()
    expect(page.get_by_label("Phone number")).to_be_visible()
    page.wait_for_function("() => localStorage.length === 0")


def test_hosted_page_resumes_after_a_reload(stack: Stack, page: Page, shot: Shots) -> None:
    page.goto(stack.hosted())
    _ask(page)
    page.reload()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    expect(page.get_by_label("Phone number")).to_be_hidden()
    shot("resumed")
    page.get_by_role("button", name="Cancel my callback").click()
    expect(panel(page).get_by_text("Your callback is cancelled.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Phone number")).to_be_visible()
    shot("new-form")
