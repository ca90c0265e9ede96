"""One chaos run's stage: stand-in and balancer on this event loop, instances as processes."""

from __future__ import annotations

import asyncio
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine
from starlette.types import ASGIApp

from chaos import rows
from chaos.balancer import Balancer
from chaos.callers import Callers
from chaos.config import LEASE_SECONDS, Credentials, agent_ids, supervisor_toml
from chaos.faults import Faults
from chaos.held import HeldTally, findings, held_tally
from chaos.instances import Deployment, Instance
from chaos.load import Load, request_callbacks
from chaos.standin import StandIn
from chaos.truth import Call, Tally, tally

STALL_S = 2 * LEASE_SECONDS + 30.0
"""Longer than a lease plus two sweeps: whatever a sweep could resolve has moved by then."""


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def serve(app: ASGIApp, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Serve `app` on 127.0.0.1:`port` from this loop; returns once it listens."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    return server, task


@dataclass(frozen=True, slots=True)
class Plan:
    """What a stage is made of."""

    name: str
    database_url: str
    instances: int
    agents: int = 40
    faults: Faults = field(default_factory=Faults)
    seed: int = 0
    module: Mapping[str, str] = field(default_factory=dict)
    """Per instance name, the module run instead of `webhooks.cli` (a failpoint wrapper)."""
    extra_env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Stage:
    """A running stage: the scenario drives it and reads the ground truth from it."""

    plan: Plan
    run_dir: Path
    credentials: Credentials
    standin: StandIn
    balancer: Balancer
    balancer_url: str
    instances: list[Instance]
    engine: Engine
    load: Load = field(default_factory=Load)
    callers: Callers = field(default_factory=Callers)

    async def start_instances(self) -> None:
        """Start the instances one after the other (the first one migrates the database)."""
        for instance in self.instances:
            instance.start()
            await asyncio.to_thread(instance.wait_healthy, 60.0)

    @property
    def agents(self) -> list[str]:
        """The roster's agent ids."""
        return agent_ids(self.plan.agents)

    async def agents_available(self, agents: list[str] | None = None) -> None:
        """The supervisor sets `agents` (default: the whole roster) available."""
        key = self.credentials.supervisor_key
        headers = {"authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(timeout=20.0) as client:
            for agent in self.agents if agents is None else agents:
                url = f"{self.balancer_url}/api/v1/agents/{agent}/status"
                answer = await client.post(url, json={"status": "available"}, headers=headers)
                answer.raise_for_status()

    async def request(self, numbers: list[str], concurrency: int) -> None:
        """Ask for callbacks to `numbers` through the balancer."""
        await request_callbacks(
            self.balancer_url, self.credentials, numbers, concurrency, self.load
        )

    async def drained(self, limit_s: float, stall_s: float = STALL_S) -> bool:
        """Wait until every request is in a final state; False after `limit_s`, or once
        the count of unfinished requests has not moved for `stall_s` (they are stuck)."""
        deadline = time.monotonic() + limit_s
        last, moved = -1, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - moved < stall_s:
            left = await asyncio.to_thread(rows.unfinished, self.engine)
            if left == 0:
                return True
            if left != last:
                last, moved = left, time.monotonic()
            await asyncio.sleep(1.0)
        return False

    def waiting_callers(self) -> int:
        """Callers dialled in whose call has not ended (holding, or being connected)."""
        return sum(1 for caller in self.standin.callers(self.callers.sids) if not caller.ended)

    async def held_drained(self, limit_s: float, stall_s: float = STALL_S) -> bool:
        """Wait until every caller dialled in has ended; False after `limit_s`, or once the
        count of callers still on the line has not moved for `stall_s`."""
        deadline = time.monotonic() + limit_s
        last, moved = -1, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - moved < stall_s:
            left = self.waiting_callers()
            if left == 0:
                return True
            if left != last:
                last, moved = left, time.monotonic()
            await asyncio.sleep(1.0)
        return False

    async def held_tally(self) -> HeldTally:
        """The ground truth about the callers on hold against the database; every finding
        is written out to `held-truth.txt` in the run directory, for reading afterwards."""
        rows_by_sid = await asyncio.to_thread(rows.held, self.engine)
        callers = self.standin.callers(self.callers.sids)
        agents, end = self.standin.agent_legs(), datetime.now(UTC)
        lines = findings(callers, rows_by_sid, agents, end)
        # Each caller named in a finding, as the carrier played their call: what they heard.
        named = [caller.sid for caller in callers if any(caller.sid in line for line in lines)]
        lines += [
            line for sid in named for line in [f"caller {sid} heard:", *self.standin.story(sid)]
        ]
        (self.run_dir / "held-truth.txt").write_text("".join(f"{line}\n" for line in lines))
        return held_tally(callers, rows_by_sid, agents, end)

    async def tally(self) -> Tally:
        """The ground truth against the database."""
        attempts = await asyncio.to_thread(rows.attempts, self.engine)
        requests = await asyncio.to_thread(rows.requests, self.engine)
        calls = [Call(c.sid, c.at, c.request_id) for c in self.standin.placed]
        return tally(calls, attempts, requests, self.load.accepted)


async def _stop(servers: list[tuple[uvicorn.Server, asyncio.Task[None]]]) -> None:
    for server, task in servers:
        server.should_exit = True
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5.0)


@asynccontextmanager
async def stage(plan: Plan, database_url: Callable[[Path], str]) -> AsyncIterator[Stage]:
    """Stand-in, balancer and (not yet started) instances; everything stopped afterwards."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"holdless-chaos-{plan.name}-"))
    credentials = Credentials.fresh()
    config_file = run_dir / "holdless.toml"
    config_file.write_text(supervisor_toml(credentials, plan.agents))
    balancer_port, standin_port = free_port(), free_port()
    balancer_url = f"http://127.0.0.1:{balancer_port}"
    standin = StandIn(credentials, balancer_url, plan.faults, plan.seed)
    ports = [free_port() for _ in range(plan.instances)]
    balancer = Balancer([f"http://127.0.0.1:{port}" for port in ports])
    url = database_url(run_dir)
    deployment = Deployment(
        run_dir, url, config_file, balancer_url, f"http://127.0.0.1:{standin_port}", credentials
    )
    names = [chr(ord("a") + index) for index in range(plan.instances)]
    instances = [
        Instance(
            name,
            port,
            deployment,
            module=plan.module.get(name, "webhooks.cli"),
            extra_env=plan.extra_env,
        )
        for name, port in zip(names, ports, strict=True)
    ]
    servers = [await serve(standin.app(), standin_port), await serve(balancer, balancer_port)]
    standin.start()
    engine = rows.engine_for(url)
    try:
        yield Stage(plan, run_dir, credentials, standin, balancer, balancer_url, instances, engine)
    finally:
        for instance in instances:
            await asyncio.to_thread(instance.stop)
        await standin.stop()
        await _stop(servers)
        await balancer.aclose()
        engine.dispose()
