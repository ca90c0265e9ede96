"""Report latency: 30 days of one queue's figures with 1,000,000 finished requests in history.

`python -m bench.reports [--quick] [--backend sqlite|postgres]` builds one database per
backend and spread of the history: the same 1,000,000 finished requests (each with its dial
attempt, a promise told, one in ten rated in the survey) and 100,000 callers who held, spread
over a year (about 82,000 requests in the 30 days) and squeezed into the 30 days themselves
(the worst case: every row of the history is in the report). Side by side: before, the live
count of the 30 days (what the first report of a range cost when every slot was counted on
read); the ticker counting every closed slot once into `report_slot`, and its run as one more
slot closes; after, the report through the app (signed in as a supervisor, closed slots read
from the table), in wall and CPU time. Goal: a 30-day report under 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy import text
from starlette.testclient import TestClient

from bench import reports_pg
from bench.console import PASSWORD, ROOT, _sign_in
from bench.console_pg import database
from callback.passwords import Passwords
from callback.report import SLOT, Grain, span
from callback.store import make_engine, upgrade
from callback.store.engine import read_transaction, write_transaction
from callback.store.report import slot_tallies
from callback.store.report_slots import ReportSlots
from callback.store.users import Role, UserStore
from callback.store.utc import to_micros
from callback.types import QueueName
from settings import Settings
from webhooks.app import create_app
from webhooks.console.reports import Wanted, compute

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
FIRST, LAST = (NOW - timedelta(days=30)).date(), (NOW - timedelta(days=1)).date()
REPORT = f"?queue=support&from={FIRST}&to={LAST}&grain=day"
HALF_HOURS = REPORT.replace("grain=day", "grain=30")
_HISTORY = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO callback_request (id, queue, number, channel, state, language, priority,
    virtual_start, due_at, attempts, contexts, entered_line_at, fence, created_at, updated_at,
    finished_at, promise_announced_at, promise_wait_s, promise_low_s, promise_high_s, promise_by)
SELECT 1000000000 + i, CASE i % 3 WHEN 0 THEN 'sales' ELSE 'support' END,
    '+1666' || printf('%07d', i), CASE i % 4 WHEN 0 THEN 'ivr' ELSE 'web' END,
    CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'completed' END, 'en', 0,
    :now - i * :step - 240000000, :now - i * :step - 240000000, 1,
    CASE WHEN i % 10 = 1 THEN '[{"data": {"survey_rating": ' || (i % 5 + 1) || '}}]' ELSE '[]' END,
    :now - i * :step - 240000000, 1, :now - i * :step - 300000000, :now - i * :step,
    :now - i * :step, :now - i * :step - 240000000, 60.0, 30.0, 120.0,
    :now - i * :step - 120000000
FROM n
"""
_ATTEMPTS = """
INSERT INTO dial_attempt (request_id, fence, queue, number, claimed_at, lease_until, ended_at,
    outcome)
SELECT id, 1, queue, number, due_at + (id % 120) * 1000000, due_at + 90000000, finished_at,
    'connected'
FROM callback_request WHERE state = 'completed'
"""
_HELD = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO held_call (call_sid, queue, queue_sid, language, priority, virtual_start, state,
    fence, joined_at, updated_at, ended_at)
SELECT 'CA' || printf('%032d', i), CASE i % 3 WHEN 0 THEN 'sales' ELSE 'support' END, 'QU1',
    'en', 0, :now - i * :step * 10 - 60000000,
    CASE i % 4 WHEN 0 THEN 'abandoned' WHEN 1 THEN 'left' ELSE 'served' END, 0,
    :now - i * :step * 10 - 60000000, :now - i * :step * 10, :now - i * :step * 10
FROM n
"""


def build(url: str, history: int, days: float) -> float:
    """Migrate and fill the database over `days`; the seconds the load took."""
    upgrade(url)
    engine = make_engine(url)
    step = int(days * 86_400_000_000 / history)
    values: dict[str, object] = {"count": history, "now": to_micros(NOW), "step": step}
    try:
        started = time.perf_counter()
        postgres = engine.dialect.name == "postgresql"
        history_sql, attempts_sql, held_sql = (
            (reports_pg.HISTORY, reports_pg.ATTEMPTS, reports_pg.HELD)
            if postgres
            else (_HISTORY, _ATTEMPTS, _HELD)
        )
        if postgres:
            values["now"] = NOW  # a timestamptz there, microseconds on SQLite
        with write_transaction(engine) as connection:
            connection.execute(text(history_sql), values)
            connection.execute(text(attempts_sql))
            connection.execute(text(held_sql), values | {"count": history // 10})
            connection.execute(text("ANALYZE"))
        cheap = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        UserStore(engine).add("sam", Role.SUPERVISOR, None, cheap.hash(PASSWORD), NOW)
        return time.perf_counter() - started
    finally:
        engine.dispose()


SUPPORT = QueueName("support")


def _live_case(url: str, target: timedelta) -> Callable[[], object]:
    """Before: every slot of the 30 days counted from the history, as each first report did."""
    engine = make_engine(url)
    start, end = span(FIRST, LAST, ZoneInfo("Europe/London"))  # support's zone

    def run() -> object:
        with read_transaction(engine) as connection:
            return slot_tallies(connection, SUPPORT, start, end, target)

    return run


def _catch_up(slots: ReportSlots, target: timedelta) -> object:
    """The ticker's runs until every closed slot of the last 92 days is counted."""
    while slots.close(SUPPORT, target, NOW):
        pass
    return None


def _next_slot(slots: ReportSlots, target: timedelta) -> Callable[[], object]:
    """The ticker's run as one more slot closes (the clock a slot further each time)."""
    closed = iter(range(1, 1_000_000))
    return lambda: slots.close(SUPPORT, target, NOW + SLOT * next(closed))


Timings = tuple[list[float], list[float]]


def timed(runs: int, action: Callable[[], object]) -> Timings:
    """Wall and CPU milliseconds of each run: on a shared, busy machine the wall time mostly
    measures the other processes, the CPU time of this process what the server spent."""
    wall, cpu = [], []
    for _ in range(runs):
        started, spent = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - spent) * 1000)
    return wall, cpu


def measure(url: str, config: Path, runs: int) -> dict[str, Timings]:
    """Timings (ms) of the report page, its CSV and the store's query alone."""
    settings = Settings(_env_file=None, database_url=url, config_file=config, carrier="simulated")
    with TestClient(create_app(settings, clock=lambda: NOW, ticker=False)) as client:
        _sign_in(client)

        def fetch(path: str) -> Callable[[], object]:
            def get() -> object:
                answer = client.get(path)
                assert answer.status_code == 200, answer.status_code
                return answer

            return get

        svc = client.app_state["services"]
        target = svc.config.current.queues[SUPPORT].service_level_target
        slots = ReportSlots(svc.store.engine)
        wanted = Wanted(SUPPORT, FIRST, LAST, Grain.DAY)
        by_day, by_half_hour = f"/console/reports{REPORT}", f"/console/reports{HALF_HOURS}"
        before = {"before: live count of the 30 days (each first report)": _live_case(url, target)}
        timings = {name: timed(runs, action) for name, action in before.items()}
        timings["ticker: every closed slot counted once (92 days)"] = timed(
            1, lambda: _catch_up(slots, target)
        )
        after = {
            "ticker: one run as one more slot closes": _next_slot(slots, target),
            "after: report rows (closed slots from the table)": lambda: compute(svc, wanted),
            "after: report page by day": fetch(by_day),
            "after: report page by half hour": fetch(by_half_hour),
            "after: report CSV by day": fetch(f"/console/reports.csv{REPORT}"),
        }
        return timings | {name: timed(runs, action) for name, action in after.items()}


def _urls(backend: str, workdir: Path, spread: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'reports-{spread}.db'}"
    else:
        with database() as url:
            yield url


def main(argv: list[str] | None = None) -> None:
    """Build each backend's spreads, measure, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--quick", action="store_true", help="20,000 history rows, 5 runs")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    history, runs = (20_000, 5) if args.quick else (1_000_000, 10)
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(f"{history:,} finished requests, {runs} runs per case (the catch-up: one)")
    heads = ("CPU p50", "CPU max", "wall p50", "wall max")
    print("| backend | history over | case | " + " | ".join(f"{h} (ms)" for h in heads) + " |")
    print("|---|---|---|---:|---:|---:|---:|")
    for backend in backends:
        for label, days in (("365 days", 365.0), ("the 30 days", 30.0)):
            workdir = Path(tempfile.mkdtemp(prefix="holdless-reports-bench-"))
            try:
                with contextmanager(_urls)(backend, workdir, label.replace(" ", "-")) as url:
                    load_s = build(url, history, days)
                    config = workdir / "holdless.toml"
                    shutil.copyfile(ROOT / "holdless.example.toml", config)
                    timings = measure(url, config, runs)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            for name, (wall, cpu) in timings.items():
                cells = " | ".join(
                    f"{f(t):.0f}" for t in (cpu, wall) for f in (statistics.median, max)
                )
                print(f"| {backend} | {label} (load {load_s:.0f} s) | {name} | {cells} |")


if __name__ == "__main__":
    main()
