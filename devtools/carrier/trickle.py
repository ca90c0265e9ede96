"""Simulated traffic for demonstrations: callers arriving at random, at a steady rate."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from devtools.carrier.carrier import Carrier
from devtools.carrier.demo import demo_caller, demo_number
from devtools.carrier.profiles import Behaviour


@dataclass(frozen=True, slots=True)
class Traffic:
    """Arrivals per minute to one service number, and how each caller is made up."""

    to: str
    per_minute: float
    callers: int | None = None


def caller_number(line: str, index: int) -> str:
    """The `index`-th caller's number: a valid mobile number of the line's own country."""
    region = phonenumbers.region_code_for_number(phonenumbers.parse(line))
    return demo_number(region or "GB", index)


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
        carrier.dial_in(from_=caller_number(traffic.to, index), to=traffic.to, who=make(rng))
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
