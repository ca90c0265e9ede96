"""A newcomer's first look: `make run`'s widget demo and hosted page work in Chromium as is."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from settings import Settings
from tests.browser.conftest import EXAMPLE, PHONE, Clock, Shots, panel
from tests.browser.servers import Served, bound_socket, origin_of
from webhooks.app import create_app
from webhooks.devsite import DEV_SITE_KEY, SAMPLE_PATH

# The example config as `make run` copies it: forms filled faster than 3 s count as bots.
FILL_MS = 3200


@pytest.fixture
def simulated(sqlite_url: str, tmp_path: Path) -> Iterator[str]:
    """The service as `make run` starts it (the example config, the simulated carrier)."""
    config = tmp_path / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)
    sock = bound_socket()
    settings = Settings(
        _env_file=None,
        database_url=sqlite_url,
        config_file=config,
        public_base_url=origin_of(sock),
        carrier="simulated",
    )
    served = Served(create_app(settings, clock=Clock(), ticker=False), sock).start()
    try:
        yield served.origin
    finally:
        served.stop()


def test_the_widget_demo_books_a_callback(simulated: str, page: Page, shot: Shots) -> None:
    page.goto(simulated + SAMPLE_PATH)
    expect(page.get_by_role("heading", name="Example Energy: widget demo")).to_be_visible()
    page.get_by_role("button", name="Call me back").click()
    shot("open")
    page.get_by_label("Phone number").fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    shot("booked")


def test_the_hosted_page_link_of_the_banner_books_a_callback(
    simulated: str, page: Page, shot: Shots
) -> None:
    page.goto(f"{simulated}/c/support?key={DEV_SITE_KEY}")
    expect(page.get_by_role("heading", name="Example Energy: Customer support")).to_be_visible()
    expect(panel(page).get_by_text(re.compile(r"We are open\."))).to_be_visible()
    page.get_by_label("Phone number").fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.get_by_role("button", name="Call me back").click()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    shot("booked")
