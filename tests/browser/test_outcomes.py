"""The widget and the hosted page follow what happens to the request, in real Chromium: being
called now, then a missed call with the next try's time instead of the stale wait."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from callback.store import QueueStore, make_engine
from callback.types import E164, QueueName, State
from tests.browser.conftest import MONDAY_10, PHONE, Shots, Stack, panel
from tests.browser.test_widget import FILL_MS
from tests.callback.store.support import LEASE, claim_next

SUPPORT = QueueName("support")
CUSTOMER = E164("+442079460456")  # PHONE, as the widget's form sends it
NEXT_TRY = MONDAY_10 + timedelta(minutes=5)
"""The example's first backoff after a missed call at 10:00; London is on GMT in March."""


@pytest.fixture
def store(sqlite_url: str) -> Iterator[QueueStore]:
    """The running app's database, as the dispatcher and the status callbacks write it."""
    engine = make_engine(sqlite_url)
    yield QueueStore(engine)
    engine.dispose()


def _ask(page: Page) -> None:
    page.get_by_label(re.compile("Phone number|Номер телефона")).fill(PHONE)
    page.wait_for_timeout(FILL_MS)
    page.locator("form button[type=submit]").first.click()


POLL_MS = 12_000
"""Longer than the hosted page's ten-second poll (the host page's widget polls every two)."""


def _call_and_miss(store: QueueStore, page: Page, calling: str) -> None:
    """The dispatcher dials the customer (the widget says so), who does not answer."""
    claim = claim_next(store, SUPPORT, MONDAY_10, LEASE)
    assert claim is not None
    expect(panel(page).get_by_text(calling)).to_be_visible(timeout=POLL_MS)
    assert store.finish_attempt(claim.attempt_id, claim.fence, "no_answer", MONDAY_10)
    request = claim.request.id
    store.transition(request, State.WAITING, MONDAY_10, expected=State.DIALING, due_at=NEXT_TRY)


def test_the_widget_says_it_is_calling_then_when_it_tries_again(
    stack: Stack, page: Page, shot: Shots, store: QueueStore
) -> None:
    page.goto(stack.host_page())
    page.get_by_role("button", name="Call me back").click()
    _ask(page)
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_visible()
    promise = re.compile(r"We will call you in about \d+ min")
    expect(panel(page).get_by_text(promise)).to_be_visible()
    shot("waiting")
    _call_and_miss(store, page, "We are calling you now.")
    shot("calling")
    missed = re.compile(r"We called but could not reach you\. We will try again at 10:05")
    expect(panel(page).get_by_text(missed)).to_be_visible()
    expect(panel(page).get_by_text(re.compile("We will call you in about"))).to_be_hidden()
    expect(panel(page).get_by_text("You are number 1 in line.")).to_be_hidden()
    shot("missed")


def test_the_hosted_page_says_it_in_the_customer_s_language(
    stack: Stack, page: Page, shot: Shots, store: QueueStore
) -> None:
    page.goto(stack.hosted("ru"))
    _ask(page)
    expect(panel(page).get_by_text("Вы 1-й в очереди.")).to_be_visible()
    _call_and_miss(store, page, "Мы вам звоним.")
    missed = "Мы звонили, но не смогли до вас дозвониться. Попробуем ещё раз в 10:05."
    expect(panel(page).get_by_text(missed)).to_be_visible(timeout=POLL_MS)
    shot("missed-ru")
