"""The per-IP limit through `holdless serve`'s uvicorn: spoofed forwarding headers change nothing,
and behind a named proxy each customer is counted on their own."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from settings import Settings
from tests.webhooks.api.conftest import API_TABLES, ORIGIN, SITE_KEY_VALUE, form
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.live import on_free_port, served
from webhooks.api.auth import SITE_KEY
from webhooks.app import create_app

PER_IP = 5
"""The example config's `per_ip_per_hour`."""


@pytest.fixture
def widget_settings(settings: Settings, config_file: Path) -> Settings:
    """The test instance with the widget site configured, on a free port."""
    marker = "# How long personal data"
    config_file.write_text(config_file.read_text().replace(marker, API_TABLES + "\n" + marker))
    return on_free_port(settings)


def book_from(base: str, n: int, forwarded_for: str) -> httpx.Response:
    """One widget booking for a new number, claiming to come from `forwarded_for`."""
    headers = {SITE_KEY: SITE_KEY_VALUE, "Origin": ORIGIN, "X-Forwarded-For": forwarded_for}
    body = form(f"+44 20 7946 05{n:02d}")
    return httpx.post(f"{base}/api/v1/callbacks", json=body, headers=headers)


def statuses(settings: Settings, sources: list[str]) -> list[int]:
    """The answers to one booking from each of `sources`, in order, on a fresh app."""
    app = create_app(settings, clock=lambda: MONDAY_10, ticker=False)
    with served(app, settings) as base:
        return [book_from(base, n, source).status_code for n, source in enumerate(sources)]


def test_an_attacker_cannot_leave_the_ip_window_by_naming_other_addresses(
    widget_settings: Settings,
) -> None:
    spoofed = [f"198.51.100.{n}" for n in range(PER_IP + 3)]
    assert statuses(widget_settings, spoofed) == [201] * PER_IP + [429] * 3


def test_behind_a_named_proxy_customers_are_counted_apart(widget_settings: Settings) -> None:
    behind = widget_settings.model_copy(update={"trusted_proxies": ("127.0.0.1",)})
    customers = [f"203.0.113.{n}" for n in range(PER_IP + 3)]
    assert statuses(behind, customers) == [201] * (PER_IP + 3)


def test_behind_a_named_proxy_one_customer_still_has_one_window(widget_settings: Settings) -> None:
    behind = widget_settings.model_copy(update={"trusted_proxies": ("127.0.0.1",)})
    # The customer writes a new address each time; the proxy appends the one it saw.
    same = [f"198.51.100.{n}, 203.0.113.9" for n in range(PER_IP + 1)]
    assert statuses(behind, same) == [201] * PER_IP + [429]
