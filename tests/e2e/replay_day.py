"""A recorded hour of `make run`'s day on the support line, and what it measured.

The demo day (devtools.carrier.day) plays through the real app and the simulated carrier
on a virtual clock: callers ring the support line and find their way through the menu,
web visitors ask for callbacks and book slots, customers answer their callbacks or not,
agents talk and wrap up. Arrivals stop after the hour; the service then works its line
down, so every contact of the hour has its outcome when it is measured.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from callback.config import SupervisorConfig
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER, REQUEST
from devtools.carrier.day import DemoDay, play_day
from settings import Settings
from tests.e2e.demo_world import demo_world
from webhooks.simulation import demo_day

ARRIVAL_TASKS = frozenset({"demo callers", "demo web"})
"""The names of the demo day's carrier tasks that bring people (devtools.carrier.day)."""
CONNECTED = "connected"
DRAIN_S = 1800.0
"""How long the service works its line down after the hour: a callback missed late in the
hour is retried 5 minutes on, and a promise of the hour has passed by then."""


@dataclass(frozen=True, slots=True)
class Measured:
    """What the recorded hour measured for one queue, as the simulation counts it."""

    held: int
    """Callers who stayed on hold (did not take a callback from it)."""
    in_target: int
    """Of those, the callers an agent was claimed for within the target of joining."""
    callbacks: int
    broken: int
    """Callbacks not reached by their promised time, or never."""
    undecided: int
    """Callers still holding, or callbacks pending with their promise still ahead, when
    measured (none: the line was worked down)."""
    declined: int
    """Dials the customer answered but did not take ("not now")."""

    @property
    def service_level(self) -> float:
        """Reached within the target, of the callers who held."""
        return self.in_target / self.held


def support_only(settings: Settings, config: SupervisorConfig, rate: float, seed: int) -> DemoDay:
    """The demo day's callers and web visitors, all for the support queue."""
    day = demo_day(settings, config, rate, seed)
    support = config.queues["support"]
    assert day.web is not None
    web = dataclasses.replace(day.web, queues=(("support", support.region),))
    return dataclasses.replace(day, lines=tuple(support.numbers), web=web)


def _stop_arrivals() -> int:
    """Nobody new comes: the day's arrival tasks end (each is parked on the clock)."""
    found = [task for task in asyncio.all_tasks() if task.get_name() in ARRIVAL_TASKS]
    for task in found:
        task.cancel()
    return len(found)


async def record_hour(
    settings: Settings, config: SupervisorConfig, start: datetime, rate: float, seed: int
) -> None:
    """Play an hour of the day from `start` on `settings`' database, then work it down."""
    day = support_only(settings, config, rate, seed)
    async with demo_world(settings, start, seed) as world:
        play_day(world.carrier, day, world.http)
        await world.carrier.run_for(3600)
        assert _stop_arrivals() == len(ARRIVAL_TASKS)
        await world.carrier.run_for(DRAIN_S)
        assert world.carrier.app_errors == []


def measure(engine: Engine, queue: str, start: datetime, target: timedelta) -> Measured:
    """The hour from `start`: its callers on hold and its promised callbacks, as they ended."""
    end = start + timedelta(hours=1)
    h, o, r, a = HELD_CALL.c, HELD_OFFER.c, REQUEST.c, ATTEMPT.c
    hour_held = (h.queue == queue, h.joined_at >= start, h.joined_at < end, h.state != "left")
    with engine.connect() as c:
        held = c.execute(select(h.id, h.state, h.joined_at).where(*hour_held)).all()
        claims = dict(
            c.execute(select(o.held_id, o.claimed_at).where(o.outcome == CONNECTED)).all()
        )
        requests = c.execute(
            select(r.id, r.state, r.promise_by).where(
                r.queue == queue, r.created_at >= start, r.created_at < end
            )
        ).all()
        outcomes = c.execute(select(a.request_id, a.claimed_at, a.outcome)).all()
    reached = {i: at for i, at, outcome in outcomes if outcome == CONNECTED}
    in_target = sum(1 for i, _, at in held if i in claims and claims[i] - at <= target)
    # A booking for a time is given no promise by the product: nothing to keep or break.
    promised = [(i, state, by) for i, state, by in requests if by is not None]
    broken = sum(1 for i, _, by in promised if i not in reached or reached[i] > by)
    open_held = sum(1 for _, state, _ in held if state not in FINISHED_HELD)
    stop = end + timedelta(seconds=DRAIN_S)  # when the recording ended
    open_promises = sum(1 for _, state, by in promised if state not in FINAL and by >= stop)
    declined = sum(1 for _, _, outcome in outcomes if outcome == "declined")
    return Measured(
        len(held), in_target, len(promised), broken, open_held + open_promises, declined
    )


FINISHED_HELD = frozenset({"served", "abandoned", "left"})
FINAL = frozenset({"completed", "failed", "cancelled", "expired"})
