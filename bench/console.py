"""Console latency: the wallboard snapshot and the request list, with a long line and history.

`python -m bench.console [--quick]` builds one SQLite database with 10,000 people waiting
(support and sales) and 1,000,000 finished requests (each with its dial attempt) spread over
the last eleven and a half days, so today's figures read about 36,000 of them. It then times
the wallboard snapshot (one build serves every open board: the first of the day reads the
whole day, later ones the last two minutes on top of the kept tally) and pages of the
request list through the app, signed in as a supervisor. Goal: under 100 ms each.
`--postgres` does the same in a throwaway PostgreSQL cluster. Each case is timed twice on
the same data: without migration 0017's indexes, then with them (side by side).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import insert, text
from starlette.testclient import TestClient

from bench import console_pg
from bench.queue_ops import percentile
from callback.passwords import Passwords
from callback.store import make_engine, upgrade
from callback.store.engine import write_transaction
from callback.store.tables import CONSOLE_INDEXES, REQUEST
from callback.store.users import Role, UserStore
from callback.store.utc import to_micros
from callback.types import Channel, State
from settings import Settings
from webhooks.app import create_app
from webhooks.console.board import Tally, snapshot

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
QUEUES = ("support", "sales")
PASSWORD = "bench password, not for use"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_HISTORY = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO callback_request (id, queue, number, channel, state, language, priority,
    virtual_start, due_at, attempts, contexts, entered_line_at, fence, created_at, updated_at,
    finished_at)
SELECT 1000000000 + i, CASE i % 3 WHEN 0 THEN 'sales' ELSE 'support' END,
    '+1666' || printf('%07d', i), CASE i % 4 WHEN 0 THEN 'ivr' ELSE 'web' END,
    CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'completed' END, 'en', 0,
    :now - i * 1000000 - 240000000, :now - i * 1000000 - 240000000, 1, '[]',
    :now - i * 1000000 - 240000000, 1, :now - i * 1000000 - 300000000, :now - i * 1000000,
    :now - i * 1000000
FROM n
"""
_ATTEMPTS = """
INSERT INTO dial_attempt (request_id, fence, queue, number, claimed_at, lease_until, ended_at,
    outcome)
SELECT id, 1, queue, number, due_at + (id % 120) * 1000000, due_at + 90000000, finished_at,
    'connected'
FROM callback_request WHERE state = 'completed'
"""


def _waiting(count: int, now: datetime) -> list[dict[str, object]]:
    rng = random.Random(7)
    rows: list[dict[str, object]] = []
    for n in range(count):
        joined = now - timedelta(seconds=count - n)
        rows.append(
            {
                "queue": QUEUES[n % 2],
                "number": f"+1555{n:07d}",
                "channel": rng.choice([c.value for c in Channel]),
                "state": State.WAITING.value,
                "language": "en",
                "priority": 0,
                "virtual_start": joined,
                "due_at": joined,
                "attempts": 0,
                "contexts": [],
                "entered_line_at": joined,
                "fence": 0,
                "created_at": joined,
                "updated_at": joined,
            }
        )
    return rows


def build(url: str, waiting: int, history: int, now: datetime = NOW) -> float:
    """Migrate and fill the database; the seconds the history took to load."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with write_transaction(engine) as connection:
            connection.execute(insert(REQUEST), _waiting(waiting, now))
        started = time.perf_counter()
        with write_transaction(engine) as connection:
            if connection.dialect.name == "sqlite":
                connection.execute(text(_HISTORY), {"count": history, "now": to_micros(now)})
                connection.execute(text(_ATTEMPTS))
            else:
                connection.execute(text(console_pg.HISTORY), {"count": history, "now": now})
                connection.execute(text(console_pg.ATTEMPTS))
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                # Autovacuum would have visited a live database; a fresh load is not yet.
                connection.execute(text("VACUUM ANALYZE"))
        cheap = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        UserStore(engine).add("sam", Role.SUPERVISOR, None, cheap.hash(PASSWORD), now)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _sign_in(client: TestClient) -> None:
    found = CSRF.search(client.get("/console/sign-in").text)
    assert found is not None
    form = {"csrf": found[1], "name": "sam", "password": PASSWORD}
    assert client.post("/console/sign-in", data=form, follow_redirects=False).status_code == 303


def _timed(runs: int, action: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _get(client: TestClient, path: str) -> Callable[[], object]:
    def fetch() -> object:
        answer = client.get(path)
        assert answer.status_code == 200, answer.status_code
        return answer

    return fetch


def measure(url: str, config: Path, runs: int) -> dict[str, list[float]]:
    """Timings (ms) of the snapshot and of list pages, through one started app."""
    settings = Settings(_env_file=None, database_url=url, config_file=config, carrier="simulated")
    with TestClient(create_app(settings, clock=lambda: NOW, ticker=False)) as client:
        _sign_in(client)
        svc, tally = client.app_state["services"], Tally()
        snapshot(svc, NOW, tally)  # the board's first build keeps the settled part of the day
        first = client.get("/console/requests").text
        before = first.split('rel="next"')[0].rsplit("before=", 1)[-1].split('"')[0]
        cases: dict[str, Callable[[], object]] = {
            "wallboard, first build of the day": lambda: snapshot(svc, NOW, Tally()),
            "wallboard, each later build": lambda: snapshot(svc, NOW, tally),
            "list, no filter": _get(client, "/console/requests"),
            "list, page 2": _get(client, f"/console/requests?before={before}"),
            "list, queue+state": _get(client, "/console/requests?queue=sales&state=cancelled"),
            "list, channel+day": _get(client, "/console/requests?channel=ivr&day=2026-02-25"),
            "list, a state nobody is in": _get(client, "/console/requests?state=failed"),
            "list, a queue and channel nobody used": _get(
                client, "/console/requests?queue=sales&channel=app"
            ),
        }
        return {name: _timed(runs, action) for name, action in cases.items()}


def _indexes(url: str, present: bool) -> None:
    """Drop (the "before" run) or create (the "after" run) the indexes of 0017."""
    engine = make_engine(url)
    try:
        with write_transaction(engine) as connection:
            for index in CONSOLE_INDEXES:
                if present:
                    index.create(connection)
                else:
                    index.drop(connection)
    finally:
        engine.dispose()


def compare(url: str, config: Path, runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """Each case without the 0017 indexes, then with them, on the same data."""
    _indexes(url, present=False)
    before = measure(url, config, runs)
    _indexes(url, present=True)
    after = measure(url, config, runs)
    return {name: (before[name], after[name]) for name in after}


def _run(url: str, workdir: Path, history: int, runs: int) -> tuple[float, dict[str, Any]]:
    load_s = build(url, 10_000, history)
    config = workdir / "holdless.toml"
    shutil.copyfile(ROOT / "holdless.example.toml", config)
    return load_s, compare(url, config, runs)


def main(argv: list[str] | None = None) -> None:
    """Build, measure before and after, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.console")
    parser.add_argument("--quick", action="store_true", help="20,000 history rows, 20 runs")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    args = parser.parse_args(argv)
    history, runs = (20_000, 20) if args.quick else (1_000_000, 50)
    workdir = Path(tempfile.mkdtemp(prefix="holdless-console-bench-"))
    try:
        if args.postgres:
            with console_pg.database() as url:
                load_s, timings = _run(url, workdir, history, runs)
        else:
            load_s, timings = _run(f"sqlite:///{workdir / 'console.db'}", workdir, history, runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    kind = "postgresql" if args.postgres else "sqlite"
    print(f"{kind}, 10,000 waiting, {history:,} finished (loaded in {load_s:.1f} s), {runs} runs")
    print("before: without migration 0017's indexes; after: with them")
    print("| case | before p50 (ms) | after p50 (ms) | after p99 (ms) |\n|---|---:|---:|---:|")
    for name, (before, after) in timings.items():
        p50s = statistics.median(before), statistics.median(after)
        print(f"| {name} | {p50s[0]:.1f} | {p50s[1]:.1f} | {percentile(after, 99):.1f} |")


if __name__ == "__main__":
    main()
