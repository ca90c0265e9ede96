"""Simulated traffic for demonstrations: callers arriving at random, at a steady rate."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from devtools.carrier.carrier import Carrier
from devtools.carrier.profiles import Behaviour, Person, choosing

DRAMA_NUMBERS = "+447700900"
"""Ofcom reserves 07700 900000 to 900999 for drama: numbers that reach nobody."""


@dataclass(frozen=True, slots=True)
class Traffic:
    """Arrivals per minute to one service number, and how each caller is made up."""

    to: str
    per_minute: float
    callers: int | None = None


def demo_caller(rng: random.Random) -> Behaviour:
    """A caller who presses 1 or 2 or nothing, holds a few minutes, mostly answers."""
    return Person(
        keys=choosing(rng, ("1", "2", None)),
        answer_probability=0.85,
        patience_s=rng.uniform(60, 600),
        talk_seconds=rng.uniform(60, 300),
    )


def drama_number(index: int) -> str:
    """The `index`-th caller's number, cycling through the drama range."""
    return f"{DRAMA_NUMBERS}{index % 1000:03d}"


async def _arrivals(
    carrier: Carrier,
    traffic: Traffic,
    rng: random.Random,
    make: Callable[[random.Random], Behaviour],
) -> None:
    rate_per_s = traffic.per_minute / 60.0
    index = 0
    while traffic.callers is None or index < traffic.callers:
        await carrier.clock.sleep(rng.expovariate(rate_per_s))
        carrier.dial_in(from_=drama_number(index), to=traffic.to, who=make(rng))
        index += 1


def trickle(
    carrier: Carrier,
    traffic: Traffic,
    *,
    seed: int = 0,
    make: Callable[[random.Random], Behaviour] = demo_caller,
) -> None:
    """Start a task that dials in callers at random (Poisson arrivals) at `traffic`'s rate."""
    if traffic.per_minute <= 0:
        raise ValueError("the arrival rate must be positive")
    rng = random.Random(seed)  # noqa: S311  # a seeded simulation, not security
    work = _arrivals(carrier, traffic, rng, make)
    carrier.clock.spawn(work, f"trickle to {traffic.to}")
