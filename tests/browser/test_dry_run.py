"""A supervisor in Debian's Chromium: pastes a proposed config, runs the dry run, reads the
verdict and the chart, applies it.

Screenshots of each step are kept under test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from tests.browser.conftest import Shots, Stack
from tests.browser.console_pages import console_database, page_errors, sign_in
from tests.webhooks.console.support import records

FORECAST = (
    "queue,start,end,channel,offered,handle_s,patience_s,callback_share,no_answer,machine\n"
    "support,10:00,11:00,phone,60,270,240,0.5,0.1,0.05\n"
    "support,11:00,12:00,phone,60,270,240,0.5,0.1,0.05\n"
)
PLAN = '{ from = "10:00", to = "16:00", agents = 5 }'
FEWER = '{ from = "10:00", to = "16:00", agents = 2 }'


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """The stack's database, with the console users in it."""
    yield from console_database(sqlite_url)


@pytest.fixture
def complaints(page: Page) -> list[str]:
    """Errors the page logged (a Content-Security-Policy violation would be one)."""
    return page_errors(page, 1280, 900)


def test_a_supervisor_dry_runs_a_staffing_cut_and_applies_it(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str], tmp_path: Path
) -> None:
    config = tmp_path / "holdless.toml"
    sign_in(page, stack.app.origin, "sam")
    expect(page.get_by_role("heading", name="Wallboard")).to_be_visible()
    page.get_by_role("link", name="Configuration").click()
    page.get_by_role("link", name="Try a change first: dry run").click()
    expect(page.get_by_role("heading", name="Dry run")).to_be_visible()
    box = page.get_by_label("Proposed config (TOML)")
    assert box.input_value() == config.read_text()
    box.fill(config.read_text().replace(PLAN, FEWER))
    page.get_by_label("Forecast (CSV, optional)").fill(FORECAST)
    page.get_by_label("First day").fill("2026-03-02")
    page.get_by_label("Replications").fill("5")
    shot("proposed")
    page.get_by_role("button", name="Run the dry run").click()
    verdict = page.locator('p.verdict[data-queue="support"]')
    expect(verdict).to_contain_text(re.compile(r"^proposed: service level \d+% -> \d+%"))
    expect(verdict).to_contain_text("more broken promises from 10:00 to 12:00")
    expect(page.locator("table.dry-run th[scope=row]", has_text="10:00")).to_be_visible()
    chart = page.locator(".dr-chart svg")
    expect(chart).to_be_visible()
    assert chart.bounding_box() is not None
    expect(page.locator(".dr-chart polyline")).to_have_count(2)
    shot("compared")
    page.get_by_role("button", name="Apply the proposed config").click()
    expect(page.get_by_role("status")).to_contain_text("Written to the file")
    assert FEWER in config.read_text()
    after = hashlib.sha256(config.read_bytes()).hexdigest()
    expect(page.get_by_role("status")).to_contain_text(after[:12])
    shot("applied")
    (applied,) = records(engine, "config-apply")
    assert applied.actor == "sam" and applied.detail.endswith(f"after={after}")
    assert complaints == []


def test_a_supervisor_edits_a_staffing_plan_in_the_form_and_runs_it(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str], tmp_path: Path
) -> None:
    config = tmp_path / "holdless.toml"
    before = config.read_text()
    sign_in(page, stack.app.origin, "sam")
    page.goto(f"{stack.app.origin}/console/config/dry-run")
    page.get_by_role("link", name="Or edit a queue's staffing plan in a form.").click()
    expect(page.get_by_role("heading", name="Staffing plan")).to_be_visible()
    page.get_by_label("Queue").select_option("support")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_label("Agents 2", exact=True)).to_have_value("5")
    page.get_by_label("Agents 2", exact=True).fill("2")
    shot("staffing-form")
    page.get_by_role("button", name="Put it in a proposed config").click()
    expect(page.get_by_role("status")).to_contain_text("The new staffing plan of queue support")
    made = page.get_by_label("Proposed config (TOML)").input_value()
    assert '{from = "10:00", to = "16:00", agents = 2}' in made
    page.get_by_label("Forecast (CSV, optional)").fill(FORECAST)
    page.get_by_label("First day").fill("2026-03-02")
    page.get_by_role("button", name="Run the dry run").click()
    expect(page.locator('p.verdict[data-queue="support"]')).to_contain_text(
        "more broken promises from 10:00 to 12:00"
    )
    shot("staffing-compared")
    assert config.read_text() == before  # a dry run writes nothing
    assert complaints == []
