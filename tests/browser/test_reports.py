"""A supervisor in Debian's Chromium reads a report, changes its range, sees the charts and
downloads the report's and the request list's CSV.

Screenshots of each step are kept under test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from callback.store import make_engine
from callback.store.engine import write_transaction
from tests.browser.conftest import Shots, Stack
from tests.browser.console_pages import page_errors, sign_in
from tests.callback.store.report_history import history
from tests.webhooks.console.support import add_users


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """The stack's database: the console users and a hand-built day of the support queue."""
    engine = make_engine(sqlite_url)
    add_users(engine)
    with write_transaction(engine) as connection:
        history(connection)
    yield engine
    engine.dispose()


@pytest.fixture
def complaints(page: Page) -> list[str]:
    """Errors the page logged (a Content-Security-Policy violation would be one)."""
    return page_errors(page, 1280, 900)


def _download(page: Page, link: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    saved = started.value
    text = Path(saved.path()).read_text(encoding="utf-8")
    return saved.suggested_filename, list(csv.reader(io.StringIO(text)))


def test_a_supervisor_reads_a_report_and_downloads_both_csvs(
    page: Page, stack: Stack, engine: Engine, shot: Shots, complaints: list[str]
) -> None:
    sign_in(page, stack.app.origin, "sam")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    # The last seven days up to today (2 March) by default: the busy day is the last row.
    expect(page.locator("#report-table tbody tr")).to_have_count(7)
    expect(page.locator("#report-table tbody tr").last).to_contain_text("2026-03-02")
    shot("report-week")

    page.get_by_label("From", exact=True).fill("2026-03-02")
    page.get_by_label("To", exact=True).fill("2026-03-03")
    page.get_by_label("Rows per").select_option("30")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#report-table caption")).to_contain_text("2026-03-02 to 2026-03-03")
    expect(page.locator("#report-table tbody tr")).to_have_count(96)
    nine = page.locator("#report-table tbody tr", has_text="2026-03-02 09:00")
    expect(nine.locator("td").nth(0)).to_have_text("6")
    chart = page.get_by_role("img", name="Offered and handled")
    expect(chart).to_be_visible()
    # Offered and handled at 09:00, offered at 10:00 the next day: three bars.
    expect(chart.locator("rect")).to_have_count(3)
    expect(page.get_by_role("img", name="Service level and abandonment")).to_be_visible()
    shot("report-half-hours")

    name, rows = _download(page, "Download this report (CSV)")
    assert name == "holdless-report-support-2026-03-02-2026-03-03-30.csv"
    assert rows[0][:3] == ["start", "offered", "handled"]
    assert len(rows) == 98
    assert rows[19][:7] == ["2026-03-02T09:00:00+00:00", "6", "3", "2", "1", "2", "0.4"]

    page.get_by_role("link", name="Requests").click()
    page.get_by_label("Queue", exact=True).select_option("support")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.list tbody tr")).to_have_count(5)
    shot("requests")
    name, rows = _download(page, "Download these requests (CSV, numbers masked)")
    assert name == "holdless-requests-support.csv"
    assert [row[0] for row in rows[1:]] == ["6", "4", "3", "2", "1"]
    assert {row[4] for row in rows[1:]} == {f"'+44 ******* 0{n}" for n in (1, 2, 3, 4, 6)}

    page.goto(f"{stack.app.origin}/console/reports?lang=fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="گزارش‌ها")).to_be_visible()
    shot("report-fa")
    assert complaints == []
