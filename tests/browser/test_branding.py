"""A site's branding from its `widget` table in the config; the script tag's attributes win."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import BRAND_KEY, Shots, Stack
from tests.browser.test_hosted import csp_violations

WIDTH = 412  # the page fixture's viewport
GREEN = "rgb(10, 125, 51)"  # the config's "#0a7d33"


def test_colour_corner_texts_and_prompt_come_from_the_config(
    stack: Stack, page: Page, shot: Shots
) -> None:
    page.goto(stack.host_page(site="brand"))
    launcher = page.get_by_role("button", name="Call me back")
    expect(launcher).to_have_css("background-color", GREEN)
    box = launcher.bounding_box()
    assert box is not None and box["x"] + box["width"] < WIDTH / 2  # "bottom-left"
    # proactive_after = "2s": the prompt offers a callback by itself.
    prompt = page.get_by_role("button", name="Rather not wait? We can call you back.")
    expect(prompt).to_be_visible()
    shot("prompt")
    prompt.click()
    expect(page.get_by_role("region", name="Talk to Example Energy")).to_be_visible()
    expect(page.get_by_label("Phone number")).to_be_focused()
    shot("open")


def test_attributes_on_the_script_tag_override_the_config(
    stack: Stack, page: Page, shot: Shots
) -> None:
    attrs = 'data-color="#b00020" data-position="inline" data-title="Ring us"'
    page.goto(stack.host_page(site="brand", attrs=attrs))
    launcher = page.get_by_role("button", name="Call me back")
    expect(launcher).to_have_css("background-color", "rgb(176, 0, 32)")
    # Inline: in the page's flow under its text, not fixed to a corner of the screen.
    box = launcher.bounding_box()
    heading = page.get_by_role("heading", name="Example Energy").bounding_box()
    assert box is not None and heading is not None
    assert heading["y"] < box["y"] < 400
    launcher.click()
    form = page.get_by_role("region", name="Ring us")
    expect(form).to_be_visible()
    opened = form.bounding_box()
    assert opened is not None and opened["y"] < 400
    shot("inline")


def test_persian_branded_widget_is_right_to_left_and_mirrors_its_corner(
    stack: Stack, page: Page, shot: Shots
) -> None:
    page.goto(stack.host_page("fa", site="brand"))
    launcher = page.get_by_role("button", name="تماس با ما")  # the config's Persian text
    box = launcher.bounding_box()
    assert box is not None and box["x"] > WIDTH / 2  # "bottom-left" is the right in RTL
    launcher.click()
    expect(page.get_by_role("region", name="ما با شما تماس می‌گیریم")).to_have_css(
        "direction", "rtl"
    )
    when = page.get_by_label("چه زمانی با شما تماس بگیریم؟")
    expect(when).to_have_css("direction", "rtl")
    expect(when.locator("option").first).to_have_text("در اولین فرصت")
    expect(page.get_by_role("button", name="تماس با ما")).to_have_css("background-color", GREEN)
    shot("persian")


def test_hosted_page_takes_the_sites_branding(stack: Stack, page: Page, shot: Shots) -> None:
    violations = csp_violations(page)
    page.goto(stack.hosted(key=BRAND_KEY))
    expect(page.get_by_role("region", name="Talk to Example Energy")).to_be_visible()
    expect(page.get_by_role("button", name="Call me back")).to_have_css("background-color", GREEN)
    shot("hosted")
    assert violations == []
