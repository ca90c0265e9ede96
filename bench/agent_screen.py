"""The agent's screen: its reads with a long line and a long history.

`python -m bench.agent_screen [--quick]` builds the console benchmark's database (10,000
waiting, 1,000,000 finished requests with their attempts), books a callback from a number
that has five earlier requests, claims it for the agent alice, and times what her screen
costs: the stream's glance (run every second per open screen), the whole party read, and the
page and party section through the app, signed in as alice. Goal: under 100 ms each.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from bench.console import NOW, ROOT, build
from bench.queue_ops import percentile
from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.merge import Incoming
from callback.passwords import Passwords
from callback.request import CallbackRequest, ContextEntry
from callback.store import QueueStore, make_engine
from callback.store.agent_screen import AgentScreenStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.users import Role, UserStore
from callback.types import E164, AgentId, Channel, QueueName, State
from settings import Settings
from webhooks.app import create_app

ALICE = AgentId("alice")
CUSTOMER = E164("+16660000300")
"""A number of the history (`bench.console`'s rows are numbered like this)."""
EARLIER = 5
PASSWORD = "bench password, not for use"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _one(_snapshot: Snapshot) -> Budget:
    return Budget(1, Limit.NONE)


def offer_to_alice(url: str) -> int:
    """Earlier requests from one number, its new callback claimed for alice; the attempt id."""
    engine = make_engine(url)
    try:
        store = QueueStore(engine)
        for n in range(EARLIER):
            at = NOW - timedelta(days=n + 1)
            entry = ContextEntry(Channel.WEB, at, {"reason": f"earlier {n}"})
            done = store.enqueue(QueueName("sales"), CUSTOMER, Incoming(entry, at), at)
            store.transition(done.request.id, State.CANCELLED, at)
        entry = ContextEntry(Channel.WEB, NOW, {"reason": "billing", "page": "/account"})
        booked = Incoming(entry, NOW - timedelta(hours=3), name="Ada Lovelace", priority=9)
        store.enqueue(QueueName("support"), CUSTOMER, booked, NOW)
        presence = PresenceStore(engine)
        presence.sync_roster([ALICE], NOW)
        presence.set_status(ALICE, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, NOW, "bench")
        wanted = Offer(QueueName("support"), ALICE, (ALICE,), timedelta(minutes=5), _eligible, _one)
        claim = DispatchStore(engine).offer(wanted, NOW).claim
        assert claim is not None and claim.request.number == CUSTOMER
        cheap = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        UserStore(engine).add("alice", Role.AGENT, "alice", cheap.hash(PASSWORD), NOW)
        return claim.attempt_id
    finally:
        engine.dispose()


def _timed(runs: int, action: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _get(client: TestClient, path: str, wanted: str) -> Callable[[], object]:
    def fetch() -> object:
        answer = client.get(path)
        assert answer.status_code == 200 and wanted in answer.text, answer.status_code
        return answer

    return fetch


def measure(url: str, config: Path, runs: int) -> dict[str, list[float]]:
    """Timings (ms) of the screen's reads, in the store and through one started app."""
    settings = Settings(_env_file=None, database_url=url, config_file=config, carrier="simulated")
    with TestClient(create_app(settings, clock=lambda: NOW, ticker=False)) as client:
        found = CSRF.search(client.get("/console/sign-in").text)
        assert found is not None
        form = {"csrf": found[1], "name": "alice", "password": PASSWORD}
        client.post("/console/sign-in", data=form, follow_redirects=False)
        screen = AgentScreenStore(client.app_state["services"].store.engine)
        cases: dict[str, Callable[[], object]] = {
            "stream glance, a call offered": lambda: screen.glance(ALICE),
            "stream glance, nothing offered": lambda: screen.glance(AgentId("boris")),
            "party read (request, attempts, earlier)": lambda: screen.party(ALICE),
            "GET /console/ (the screen)": _get(client, "/console/", "Ada Lovelace"),
            "GET /console/me/party (the section)": _get(client, "/console/me/party", "Ada"),
        }
        for action in cases.values():  # warm the page cache after the bulk load
            _timed(3, action)
        return {name: _timed(runs, action) for name, action in cases.items()}


def main(argv: list[str] | None = None) -> None:
    """Build, measure, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.agent_screen")
    parser.add_argument("--quick", action="store_true", help="20,000 history rows, 20 runs")
    args = parser.parse_args(argv)
    history, runs = (20_000, 20) if args.quick else (1_000_000, 100)
    workdir = Path(tempfile.mkdtemp(prefix="holdless-agent-screen-bench-"))
    try:
        url = f"sqlite:///{workdir / 'screen.db'}"
        load_s = build(url, 10_000, history)
        offer_to_alice(url)
        config = workdir / "holdless.toml"
        shutil.copyfile(ROOT / "holdless.example.toml", config)
        timings = measure(url, config, runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"sqlite, 10,000 waiting, {history:,} finished (loaded in {load_s:.1f} s), {runs} runs")
    print("| case | p50 (ms) | p99 (ms) | max (ms) |\n|---|---:|---:|---:|")
    for name, times in timings.items():
        p50, p99 = statistics.median(times), percentile(times, 99)
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {max(times):.1f} |")


if __name__ == "__main__":
    main()
