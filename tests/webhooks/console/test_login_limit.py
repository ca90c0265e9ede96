"""Sign-in limits under attack: concurrent bursts against a real server, on both databases.

The limits count in the database (the public API's abuse windows), so a burst is cut at the
limit exactly, whichever instance or thread each try reaches, and a forged X-Forwarded-For
buys nothing when no proxy is trusted.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from callback.store import make_engine
from callback.store.abuse import AbuseStore
from settings import Settings
from tests.browser.servers import Served, bound_socket, origin_of
from tests.webhooks.console.support import PASSWORD, Clock, add_users, csrf_of, records
from webhooks.app import create_app
from webhooks.server import server_config

BURST = 20


@dataclass
class AsServed(Served):
    """A server configured as `holdless serve` configures uvicorn (whose proxies it trusts)."""

    settings: Settings = field(kw_only=True)

    def __post_init__(self) -> None:
        self.server = uvicorn.Server(server_config(self.app, self.settings))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )


@pytest.fixture
def clock() -> Clock:
    """The server's clock."""
    return Clock()


def _serve(db_url: str, config_file: Path, clock: Clock, **limits: int) -> Iterator[str]:
    engine = make_engine(db_url)
    add_users(engine)
    sock = bound_socket()
    settings = Settings(
        _env_file=None,
        database_url=db_url,
        config_file=config_file,
        public_base_url=origin_of(sock),
        carrier="simulated",
        **limits,  # type: ignore[arg-type]
    )
    app = create_app(settings, clock=clock, ticker=False)
    served = AsServed(app, sock, settings=settings).start()
    try:
        yield served.origin
    finally:
        served.stop()
        engine.dispose()


@pytest.fixture
def per_account(db_url: str, config_file: Path, clock: Clock) -> Iterator[str]:
    """A server allowing 5 tries per account and plenty per address."""
    yield from _serve(
        db_url, config_file, clock, login_attempts_per_account=5, login_attempts_per_ip=1000
    )


@pytest.fixture
def per_ip(db_url: str, config_file: Path, clock: Clock) -> Iterator[str]:
    """A server allowing 6 tries per client address and plenty per account."""
    yield from _serve(
        db_url, config_file, clock, login_attempts_per_account=1000, login_attempts_per_ip=6
    )


def _burst(origin: str, names: list[str], password: str, spoof: bool = False) -> Counter[int]:
    """Every name's sign-in sent at the same moment, each from its own browser session."""
    ready = threading.Barrier(len(names))

    def attempt(n: int) -> int:
        with httpx.Client(base_url=origin, timeout=60) as browser:
            token = csrf_of(browser.get("/console/sign-in").text)
            headers = {"X-Forwarded-For": f"198.51.100.{n}"} if spoof else {}
            form = {"csrf": token, "name": names[n], "password": password}
            ready.wait()
            return browser.post("/console/sign-in", data=form, headers=headers).status_code

    with ThreadPoolExecutor(len(names)) as pool:
        return Counter(pool.map(attempt, range(len(names))))


def _one(origin: str, name: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=origin, timeout=60) as browser:
        token = csrf_of(browser.get("/console/sign-in").text)
        form = {"csrf": token, "name": name, "password": password}
        return browser.post("/console/sign-in", data=form)


def test_a_burst_on_one_account_is_cut_at_the_limit(
    per_account: str, db_url: str, clock: Clock
) -> None:
    counts = _burst(per_account, ["sam"] * BURST, "guessing-the-password")
    assert counts == {401: 5, 429: BURST - 5}
    # The right password is refused too until the window has passed: guessing cannot go on.
    locked = _one(per_account, "sam", PASSWORD)
    assert locked.status_code == 429
    assert "Too many sign-in attempts." in locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    engine = make_engine(db_url)
    try:
        failed = records(engine, "sign-in-failed")
        [tally] = AbuseStore(engine).refusals()
    finally:
        engine.dispose()
    # Each wrong password is audited; of the refusals only the first (the flood is counted).
    assert Counter(r.detail.split(" ip=")[0] for r in failed) == {
        "reason=wrong password": 5,
        "reason=rate limited (console-login-account)": 1,
    }
    assert all(r.actor == "sam" for r in failed)
    assert (tally.reason, tally.count) == ("console-login-account limit", BURST - 5 + 1)
    clock.now += timedelta(minutes=15, seconds=1)
    assert _one(per_account, "sam", PASSWORD).headers["location"] == "/console/"


def test_other_accounts_are_not_locked_by_one_under_attack(per_account: str) -> None:
    _burst(per_account, ["sam"] * 8, "guessing-the-password")
    assert _one(per_account, "vera", PASSWORD).headers["location"] == "/console/"


def test_a_burst_across_accounts_from_one_address_is_cut_at_its_limit(per_ip: str) -> None:
    names = ["sam", "alice", "vera", *(f"user{n}" for n in range(9))]
    counts = _burst(per_ip, names, "guessing-the-password", spoof=True)
    assert counts == {401: 6, 429: len(names) - 6}
