"""The agent's screen in Debian's Chromium through a whole simulated call.

Alice signs in and goes available; a web callback is booked; the dispatcher dials it through
the simulated carrier (which plays Twilio over HTTP: the customer presses 1, Alice's browser
phone answers, they talk, the call ends); the screen follows without a reload, and Alice's
notes and disposition end her wrap-up. Screenshots are kept under
test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlalchemy import Engine

from callback.request import ContextEntry
from callback.store import QueueStore, make_engine
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.wrap_up import OfferKind, WrapUpStore
from callback.types import E164, Channel, RequestId, State
from devtools.carrier import Agent, Carrier, Person, Timing
from settings import Settings
from tests.browser.conftest import EXAMPLE, MONDAY_10, Clock, Shots
from tests.browser.console_pages import sign_in
from tests.browser.servers import Served, bound_socket, origin_of
from tests.callback.store.support import SALES, SUPPORT, incoming
from tests.webhooks.console.support import add_users, records
from webhooks.app import create_app

CUSTOMER = E164("+442079460456")
CALL_TIMEOUT_MS = 60_000
"""A whole call on the carrier's real clock (fast speech, a few seconds of talk)."""
FAST = Timing(seconds_per_word=0.01, key_seconds=0.1, amd_seconds=0.3, callback_delay_s=0.2)


@pytest.fixture
def served(sqlite_url: str, tmp_path: Path) -> Iterator[Served]:
    """Holdless with its ticker and the simulated carrier, Alice's user in the database."""
    engine = make_engine(sqlite_url)
    add_users(engine)
    engine.dispose()
    config = tmp_path / "holdless.toml"
    config.write_text(EXAMPLE.read_text())
    sock = bound_socket()
    settings = Settings(
        _env_file=None,
        database_url=sqlite_url,
        config_file=config,
        public_base_url=origin_of(sock),
        carrier="simulated",
    )
    app = create_app(settings, clock=Clock(), ticker=True, simulate=True)
    running = Served(app, sock).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """The served app's database."""
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def _carrier(served: Served) -> Carrier:
    carrier: Carrier = served.app.state.simulation.carrier  # type: ignore[attr-defined]
    return carrier


def _everyone_off(engine: Engine) -> None:
    """The simulation starts every roster agent available; this test wants only Alice."""
    presence = PresenceStore(engine)
    for agent in presence.everyone():
        if agent.status is AgentStatus.AVAILABLE:
            presence.set_status(agent.agent_id, agent.status, AgentStatus.OFFLINE, MONDAY_10, "t")


def _book(engine: Engine) -> int:
    store = QueueStore(engine)
    earlier = store.enqueue(SALES, CUSTOMER, incoming(0, channel=Channel.IVR), MONDAY_10)
    store.transition(earlier.request.id, State.CANCELLED, MONDAY_10)
    booked = incoming(
        0,
        name="Ada Lovelace",
        reason="Meter reading looks wrong",
        page="https://energy.example/account/meter",
        account="EE-20417",
    )
    request = store.enqueue(SUPPORT, CUSTOMER, booked, MONDAY_10).request
    entry = ContextEntry(Channel.WEB, MONDAY_10, {"cart": "smart meter"})
    store.add_context(request.id, entry, MONDAY_10)
    return request.id


def _shows_state(page: Page, label: str) -> None:
    """The "your state is now" notice and the state form's checked radio both tell `label`."""
    expect(page.get_by_role("status").filter(has_text="Your state is now")).to_have_text(
        f"Your state is now: {label}."
    )
    expect(page.get_by_label(label, exact=True)).to_be_checked()
    expect(page.locator('input[name="status"]:checked')).to_have_count(1)


def test_the_agent_follows_a_whole_call_and_wraps_it_up(
    page: Page, served: Served, engine: Engine, shot: Shots
) -> None:
    complaints: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "error":
            complaints.append(message.text)

    page.on("console", heard)
    page.set_viewport_size({"width": 1280, "height": 900})
    carrier = _carrier(served)
    carrier.sim.timing = FAST
    carrier.register("client:alice", Agent(ring_seconds=0.5, talk_seconds=4.0))
    carrier.register(CUSTOMER, Person(keys=lambda _heard: "1", ring_seconds=0.5, talk_seconds=60))
    _everyone_off(engine)

    sign_in(page, served.origin, "alice", "/console/")
    expect(page.get_by_role("heading", name="My state")).to_be_visible()
    expect(page.locator("#party")).to_have_attribute("data-phase", "none")
    page.get_by_label("available").check()
    page.get_by_role("button", name="Set my state").click()
    expect(page.locator("#state")).to_have_attribute("data-status", "available")
    _shows_state(page, "available")
    expect(page.locator("#live")).to_have_text("Live")
    page.evaluate("window.sameDocument = true")  # gone if the page were loaded again
    shot("available")

    request_id = _book(engine)
    party = page.locator("#party")
    expect(party).to_have_attribute("data-phase", re.compile("offered|connected"))
    expect(page.locator("#party-name")).to_have_text("Ada Lovelace")
    expect(page.locator("#party-number")).to_have_text("+44 ******* 56")
    expect(page.locator("#party-reason")).to_have_text("Meter reading looks wrong")
    expect(page.locator("#party-page")).to_have_text("https://energy.example/account/meter")
    expect(party).to_contain_text("EE-20417")
    expect(party).to_contain_text("smart meter")
    expect(page.locator("#earlier tbody tr")).to_have_count(1)
    shot("offered")
    expect(party).to_have_attribute("data-phase", "connected", timeout=CALL_TIMEOUT_MS)
    expect(page.locator("#state")).to_have_attribute("data-status", "busy")
    _shows_state(page, "on a call")  # the notice and the form follow the call, no reload
    shot("on-the-call")

    expect(party).to_have_attribute("data-phase", "ended", timeout=CALL_TIMEOUT_MS)
    expect(page.locator("#state")).to_have_attribute("data-status", "wrap_up")
    _shows_state(page, "in wrap-up")
    assert page.evaluate("window.sameDocument") is True  # every change came without a reload
    page.get_by_label("Notes").fill("Meter swapped remotely; new reading sent by e-mail.")
    page.get_by_label("Disposition").select_option("resolved")
    shot("wrap-up")
    page.get_by_role("button", name="Save and end wrap-up").click()

    expect(page.get_by_role("status").filter(has_text="Wrap-up saved.")).to_be_visible()
    expect(page.locator("#state")).to_have_attribute("data-status", "available")
    expect(party).to_have_attribute("data-phase", "none")
    shot("wrapped-up")
    [note] = [
        n
        for attempt in range(1, 4)
        if (n := WrapUpStore(engine).for_offer(OfferKind.CALLBACK, attempt)) is not None
    ]
    assert (note.request_id, note.disposition, note.author) == (request_id, "resolved", "alice")
    assert [r.action for r in records(engine)][:2] == ["wrap-up", "presence"]
    found = QueueStore(engine).get(RequestId(request_id))
    assert found is not None and found.state is State.COMPLETED
    assert complaints == []
