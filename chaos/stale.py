"""Scenario c: a dispatcher paused (SIGSTOP) past its lease, then resumed (SIGCONT).

Instance `a` runs with the failpoint of `chaos.failpoint`: its first dial stops the process
after the claim committed and before the REST request left. The balancer takes `a` out,
instance `b` starts; when the lease has run out, `b`'s sweep asks the carrier, finds no
call, and dials the request itself under a new fence. Then `a` is resumed. Its dial is
stale: the fence it holds is no longer the request's. The dial is refused when no call
from `a` for that request reaches the stand-in after the resume.
"""

from __future__ import annotations

import asyncio
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chaos import rows
from chaos.config import LEASE_SECONDS
from chaos.failpoint import FLAG_ENV, paused_marker
from chaos.harness import Plan, Stage, stage
from chaos.load import numbers
from chaos.pg import Cluster, create_database
from chaos.report import Figures
from chaos.scenarios import finish
from chaos.standin import request_id_of

SWEEP_S = 15.0
"""The app's lease sweep interval (webhooks.jobs.LEASE_SWEEP_SECONDS)."""
SETTLE_S = 5.0
"""Time the resumed instance is given to send its stale dial."""


async def _until(check: Callable[[], bool], limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if await asyncio.to_thread(check):
            return True
        await asyncio.sleep(0.2)
    return False


def _redialled(run: Stage, request_id: int) -> bool:
    """True when a second attempt of the request has its own call."""
    mine = [a for a in rows.attempts(run.engine) if a.request_id == request_id]
    return len(mine) >= 2 and mine[-1].call_sid is not None


async def _pause(run: Stage, flag: Path, size: int) -> int | None:
    """Queue callbacks while every agent is offline, arm the failpoint, free one agent, and
    wait until `a` stopped itself mid-dial; the request it was dialling."""
    await run.request(numbers(size), concurrency=5)
    flag.touch()
    await run.agents_available(run.agents[:1])
    marker = paused_marker(flag)
    if not await _until(marker.exists, 30.0):
        return None
    return request_id_of(marker.read_text())


async def stale_dial(cluster: Cluster, size: int) -> Figures:
    """c) The paused dispatcher's stale dial must not reach the carrier."""
    url = create_database(cluster, "chaos_stale")
    flag = Path(tempfile.mkdtemp(prefix="holdless-chaos-flag-")) / "pause"
    plan = Plan(
        "stale",
        url,
        instances=2,
        agents=size,
        module={"a": "chaos.failpoint"},
        extra_env={FLAG_ENV: str(flag)},
    )
    async with stage(plan, lambda _: url) as run:
        first, second = run.instances
        first.start()
        await asyncio.to_thread(first.wait_healthy, 60.0)
        started = time.monotonic()
        request_id = await _pause(run, flag, size)
        if request_id is None:
            return await finish(run, "c stale dial", size, started, failure="no pause happened")
        paused_at = time.monotonic()
        run.balancer.drained.add(first.url)
        second.start()
        await asyncio.to_thread(second.wait_healthy, 60.0)
        await run.agents_available(run.agents[1:])
        limit = LEASE_SECONDS + 2 * SWEEP_S + 30
        redialled = await _until(lambda: _redialled(run, request_id), limit)
        paused_s = time.monotonic() - paused_at
        first.signal(signal.SIGCONT)
        run.balancer.drained.discard(first.url)
        await asyncio.sleep(SETTLE_S)
        stale = [
            call
            for call in run.standin.placed
            if call.instance == first.name and call.request_id == request_id
        ]
        refused = 0 if stale else 1
        notes = (
            f"request {request_id}: paused {paused_s:.0f} s "
            f"(lease {LEASE_SECONDS} s); redialled by b: {redialled}; calls from a after "
            f"SIGCONT: {len(stale)}; run {run.run_dir}"
        )
        failure = "" if refused else "the stale dial reached the carrier after SIGCONT"
        if not redialled:
            failure = "b never redialled the paused request"
        return await finish(
            run,
            "c stale dial",
            size,
            started,
            notes=notes,
            failure=failure,
            stale_refused=f"{refused} of 1",
        )
