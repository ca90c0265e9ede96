"""Scenarios a, b and d: instances killed, PostgreSQL crashed, SQLite under a burst."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from dataclasses import dataclass, replace

from chaos import rows
from chaos.callers import dial_in
from chaos.harness import STALL_S, Plan, Stage, stage
from chaos.held import HeldTally, held_failures
from chaos.instances import grep_logs, healthy
from chaos.load import numbers
from chaos.pg import Cluster, create_database, durable, immediate_restart
from chaos.report import Figures, ground_failures

KILL_PERIOD_S = 5.0
PG_RESTARTS = 3
PG_RESTART_GAP_S = 8.0
HEALTH_LIMIT_S = 10.0
DRAIN_LIMIT_S = 600.0
LOCKED = "database is locked"


@dataclass(frozen=True, slots=True)
class Sizes:
    """Callbacks per scenario: the issue's figures, or a quick run."""

    kills: int = 1000
    held: int = 300
    """Callers who hold during the kills (beside its callbacks)."""
    pg_restarts: int = 500
    sqlite_burst: int = 200
    stale: int = 5
    throughput: int = 400


SMALL = Sizes(kills=150, held=60, pg_restarts=100, sqlite_burst=50, stale=5, throughput=120)
CALLER_GAP_S = 0.5
"""Seconds between two callers ringing in during the kills."""


async def _kill_every(run: Stage, period_s: float, stop: asyncio.Event) -> int:
    """SIGKILL the instances in turn, one every `period_s` (kill to kill), each restarted at
    once; the next kill waits until the last victim answers again, so one is always up."""
    kills = 0
    next_kill = time.monotonic() + period_s
    while not stop.is_set():
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, next_kill - time.monotonic()))
            break
        next_kill = time.monotonic() + period_s
        victim = run.instances[kills % len(run.instances)]
        victim.kill()
        victim.start()
        kills += 1
        await asyncio.to_thread(victim.wait_healthy, 60.0)
    return kills


async def finish(
    run: Stage,
    name: str,
    wanted: int,
    started: float,
    *,
    notes: str = "",
    failure: str = "",
    stale_refused: str = "-",
    drained: bool | None = None,
) -> Figures:
    """Wait for every request to end (unless `drained` says how that went), then hold the
    ground truth against the database."""
    if drained is None:
        drained = await run.drained(DRAIN_LIMIT_S)
    tally = await run.tally()
    failures = ground_failures(tally, wanted, len(run.load.accepted))
    if not drained:
        failures.append(
            f"still unfinished once nothing had moved for {STALL_S:.0f} s "
            f"(or after {DRAIN_LIMIT_S:.0f} s)"
        )
    if failure:
        failures.append(failure)
    if tally.lost or not drained:
        left = await asyncio.to_thread(rows.unfinished_by_state, run.engine)
        shown = ", ".join(f"{state} {count}" for state, count in sorted(left.items()))
        notes = f"{notes}; unfinished: {shown}" if notes else f"unfinished: {shown}"
    duration = time.monotonic() - started
    return Figures(name, tally, duration, stale_refused, notes, tuple(failures))


async def _settled(run: Stage) -> bool:
    """Callbacks and callers on hold all finished (or stuck), each waited for in turn."""
    drained = await run.drained(DRAIN_LIMIT_S)
    return await run.held_drained(DRAIN_LIMIT_S) and drained


def _held_notes(held: HeldTally) -> str:
    return (
        f"on hold: {held.served} served, {held.abandoned} hung up, {held.holding} still "
        f"holding, {held.lost} lost, {held.double_bridges} callers bridged twice, "
        f"{held.agent_overlaps} agents with two parties, {held.disagreements} stored otherwise"
    )


async def kills(cluster: Cluster, size: int, held: int = 0) -> Figures:
    """a) Two instances on PostgreSQL, one SIGKILLed every 5 s and restarted, while callbacks
    are dialled and `held` callers ring in and hold."""
    url = create_database(cluster, "chaos_kills")
    async with stage(Plan("kills", url, instances=2), lambda _: url) as run:
        await run.start_instances()
        await run.agents_available()
        started = time.monotonic()
        stop = asyncio.Event()
        killer = asyncio.create_task(_kill_every(run, KILL_PERIOD_S, stop))
        wanted = numbers(size + held)
        ringing = asyncio.create_task(
            dial_in(run.standin, wanted[size:], CALLER_GAP_S, run.callers)
        )
        await run.request(wanted[:size], concurrency=20)
        await ringing
        drained = await _settled(run)
        stop.set()
        count = await killer
        if not drained:  # what a last kill left behind is settled without kills
            drained = await run.drained(DRAIN_LIMIT_S, stall_s=30.0)
            drained = await run.held_drained(DRAIN_LIMIT_S, stall_s=30.0) and drained
        tally = await run.held_tally()
        notes = (
            f"{count} SIGKILLs; stand-in: {run.standin.failed} 5xx, {run.standin.held} held "
            f"past the timeout; balancer failovers {run.balancer.failovers}; "
            f"{_held_notes(tally)}; carrier saw {len(run.standin.app_errors)} app errors "
            f"({run.standin.problems() or 'none'}); run {run.run_dir}"
        )
        figures = await finish(run, "a kills", size, started, notes=notes, drained=drained)
        failures = (*figures.failures, *held_failures(tally, held))
        return replace(figures, failures=failures, held=tally)


async def _health_back(run: Stage, since: float) -> float:
    """Seconds from `since` until every instance's /healthz answers 200 again."""
    while not all(
        await asyncio.gather(*(asyncio.to_thread(healthy, i.url) for i in run.instances))
    ):
        if time.monotonic() - since > 60:
            return float("inf")
        await asyncio.sleep(0.1)
    return time.monotonic() - since


async def pg_restarts(cluster: Cluster, size: int) -> Figures:
    """b) PostgreSQL restarted in immediate mode three times during the callbacks."""
    durable(cluster)
    url = create_database(cluster, "chaos_pg")
    async with stage(Plan("pg", url, instances=2), lambda _: url) as run:
        await run.start_instances()
        await run.agents_available()
        started = time.monotonic()
        load = asyncio.create_task(run.request(numbers(size), concurrency=20))
        recovery = []
        for _ in range(PG_RESTARTS):
            await asyncio.sleep(PG_RESTART_GAP_S)
            since = time.monotonic()
            await asyncio.to_thread(immediate_restart, cluster)
            recovery.append(await _health_back(run, since))
        await load
        worst = max(recovery)
        shown = ", ".join(f"{seconds:.1f}" for seconds in recovery)
        notes = (
            f"/healthz back after {shown} s; API 5xx while the database was down: "
            f"{run.load.server_errors} (retried); run {run.run_dir}"
        )
        failure = f"health back after {worst:.1f} s (> {HEALTH_LIMIT_S:.0f} s)"
        return await finish(
            run,
            "b pg restarts",
            size,
            started,
            notes=notes,
            failure=failure if worst > HEALTH_LIMIT_S else "",
        )


async def sqlite_burst(size: int) -> Figures:
    """d) SQLite, one instance: a burst of concurrent requests while dispatching, SIGKILL."""
    plan = Plan("sqlite", "", instances=1)
    async with stage(plan, lambda run_dir: f"sqlite:///{run_dir}/holdless.db") as run:
        await run.start_instances()
        await run.agents_available()
        started = time.monotonic()
        await run.request(numbers(size), concurrency=size)
        await asyncio.sleep(2.0)  # calls in progress when the process dies
        instance = run.instances[0]
        instance.kill()
        instance.start()
        await asyncio.to_thread(instance.wait_healthy, 60.0)
        drained = await run.drained(DRAIN_LIMIT_S)
        locked = grep_logs(run.instances, LOCKED)
        errors = run.load.server_errors
        notes = f"'{LOCKED}' in logs: {locked}; API 5xx: {errors}; run {run.run_dir}"
        failure = f"{locked} '{LOCKED}' log lines, {errors} API 5xx" if locked or errors else ""
        return await finish(
            run, "d sqlite", size, started, notes=notes, failure=failure, drained=drained
        )
