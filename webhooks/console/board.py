"""The wallboard's snapshot: one build per interval per process, shared by every open board.

The page and the event stream both show `snapshot()`: a flat map of display strings keyed
`<queue>.<figure>` (and `agent.<id>.status|since`), so the browser only copies text into
the elements that carry the same key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from callback.config import SupervisorConfig
from callback.store.engine import read_transaction
from callback.store.presence import AgentStatus
from callback.store.today import Today, today
from callback.types import QueueName
from webhooks.queue_state import queue_view
from webhooks.services import Services

DASH = "–"
Fields = dict[str, str]
SETTLED = timedelta(minutes=2)
"""Rows stamped longer ago than this are taken as committed: a write stamps its time just
before it commits, so only the last moments may still gain rows."""
TICK = timedelta(microseconds=1)
"""The store's time resolution: [start, now + TICK) includes rows stamped at `now`."""


@dataclass
class Tally:
    """Each queue's figures over the settled part of its day, kept between builds."""

    kept: dict[tuple[str, datetime, timedelta], tuple[datetime, Today]] = field(
        default_factory=dict
    )

    def figures(
        self,
        connection: Connection,
        queue: QueueName,
        start: datetime,
        now: datetime,
        target: timedelta,
    ) -> Today:
        """Today's figures: the kept settled range, extended, plus the unsettled tail."""
        key = (queue, start, target)
        upto, settled = self.kept.get(key, (start, Today()))
        edge = max(upto, now - SETTLED)
        if edge > upto:
            settled = settled.plus(today(connection, queue, upto, edge, target))
            # One day per queue is kept: yesterday's figures go when today's begin.
            self.kept = {k: v for k, v in self.kept.items() if k[0] != queue} | {
                key: (edge, settled)
            }
        return settled.plus(today(connection, queue, edge, now + TICK, target))


def clock_text(seconds: float | None) -> str:
    """Seconds as m:ss (or h:mm:ss); a dash when there is nothing to show."""
    if seconds is None:
        return DASH
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def percent(share: float | None) -> str:
    """A share as a whole percentage; a dash when undefined."""
    return DASH if share is None else f"{round(share * 100)}%"


def local_midnight(config: SupervisorConfig, queue: QueueName, now: datetime) -> datetime:
    """The start of the queue's day (in its time zone) that contains `now`."""
    local = now.astimezone(config.queues[queue].zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def snapshot(svc: Services, now: datetime, tally: Tally | None = None) -> Fields:
    """Every queue's line, agents and today's figures, as display strings."""
    tally = tally if tally is not None else Tally()
    config = svc.config.current
    counts = svc.store.counts(now)
    fields: Fields = {"at": now.strftime("%H:%M:%S UTC")}
    for name in config.queues:
        queue = QueueName(name)
        view = queue_view(svc, config, queue, counts.get(queue), now)
        fields |= _line(name, view, now)
        start = local_midnight(config, queue, now)
        target = config.queues[queue].service_level_target
        with read_transaction(svc.store.engine) as connection:
            fields |= _today(name, tally.figures(connection, queue, start, now, target))
    fields |= _agents(svc, now)
    return fields


def _line(name: str, view: dict[str, object], now: datetime) -> Fields:
    oldest = view["oldest_due"]
    waited = (
        (now - datetime.fromisoformat(oldest)).total_seconds() if isinstance(oldest, str) else None
    )
    estimate = view["estimate"]
    told = estimate.get("wait_seconds") if isinstance(estimate, dict) else None
    shown = {key: str(view[key]) for key in ("on_hold", "due", "scheduled", "dialing", "connected")}
    shown |= {"line": str(view["line"]), "oldest": clock_text(waited)}
    shown["told"] = clock_text(told) if isinstance(told, int | float) else DASH
    return {f"{name}.{key}": value for key, value in shown.items()}


def _today(name: str, figures: Today) -> Fields:
    shown = {
        "offered": str(figures.offered),
        "completed": str(figures.completed),
        "abandoned": str(figures.abandoned),
        "service_level": percent(figures.service_level),
        "asa": clock_text(figures.average_answer),
        "abandonment": percent(figures.abandonment),
        "kept": str(figures.promises_kept),
        "broken": str(figures.promises_broken),
        "served_held": str(figures.served_held),
        "estimate": _accuracy(figures),
    }
    return {f"{name}.{key}": value for key, value in shown.items()}


def _accuracy(figures: Today) -> str:
    """The mean error of the waits told, and the share that fell inside the range told."""
    if figures.estimate_error is None:
        return DASH
    return f"±{clock_text(figures.estimate_error)} · {percent(figures.estimate_hit_rate)}"


def _agents(svc: Services, now: datetime) -> Fields:
    fields: Fields = {}
    known = {str(presence.agent_id): presence for presence in svc.presence.everyone()}
    for agent in svc.config.current.agents:
        presence = known.get(agent.id)
        status = presence.status if presence is not None else AgentStatus.OFFLINE
        since = (now - presence.since).total_seconds() if presence is not None else None
        fields[f"agent.{agent.id}.status"] = status.value
        fields[f"agent.{agent.id}.since"] = clock_text(since)
    return fields


@dataclass
class Board:
    """The latest snapshot, rebuilt at most once per `interval` however many boards read it."""

    interval: timedelta = timedelta(seconds=1)
    build: Callable[[Services, datetime, Tally], Fields] = snapshot
    tally: Tally = field(default_factory=Tally)
    monotonic: Callable[[], float] = time.monotonic
    builds: int = 0
    _fields: Fields = field(default_factory=dict)
    _built_at: float | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def latest(self, svc: Services) -> Fields:
        """The snapshot no older than the interval (built now if it is)."""
        async with self._lock:
            fresh = self._built_at is not None and (
                self.monotonic() - self._built_at < self.interval.total_seconds()
            )
            if not fresh:
                self._fields = await run_in_threadpool(self.build, svc, svc.clock(), self.tally)
                self._built_at = self.monotonic()
                self.builds += 1
            return self._fields
