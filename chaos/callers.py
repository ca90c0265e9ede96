"""Simulated callers who ring the service number and choose to wait on hold.

Each one goes through the phone menu as heard (the demo day's key script, wanting to hold)
and waits in the queue until an agent takes them. A share of them is impatient and hangs
up within seconds, sometimes while they are being handed to an agent; the others wait far
longer than a run lasts, so whether they are served is up to Holdless alone.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from chaos.config import SERVICE_NUMBER
from chaos.standin import StandIn
from devtools.carrier import Person
from devtools.carrier.demo import Wants, demo_keys

IMPATIENT_SHARE = 0.2
IMPATIENT_S = (1.0, 4.0)
"""Seconds on hold before an impatient caller hangs up."""
PATIENT_S = 3600.0
"""Longer than any run: a patient caller never gives up before the checks."""
TALK_S = 1.0


def caller(rng: random.Random) -> Person:
    """A caller who holds when offered, impatient or not."""
    impatient = rng.random() < IMPATIENT_SHARE
    patience = rng.uniform(*IMPATIENT_S) if impatient else PATIENT_S
    return Person(
        keys=demo_keys(rng, Wants.HOLD), patience_s=patience, talk_seconds=TALK_S, ring_seconds=0.3
    )


@dataclass
class Callers:
    """The calls dialled in so far, by CallSid, in order."""

    sids: list[str] = field(default_factory=list)


async def dial_in(
    standin: StandIn, numbers: list[str], gap_s: float, callers: Callers, seed: int = 0
) -> None:
    """Ring the service number from each of `numbers`, one every `gap_s` seconds."""
    rng = random.Random(seed)  # noqa: S311  # a seeded simulation, not security
    for number in numbers:
        callers.sids.append(standin.dial_in(number, SERVICE_NUMBER, caller(rng)))
        await asyncio.sleep(gap_s)
