"""How long the simulated carrier's moments take: ticks, rings, machines, the drain."""

from __future__ import annotations

from callback.simulate.arrivals import DAY

TICK = 30.0
"""Seconds between the dispatcher's ticks (it also runs whenever an agent or a caller moves)."""
ANSWER_S = 6.0
"""Seconds a customer who answers lets the phone ring."""
MACHINE_S = 12.0
"""Seconds until a machine is detected."""
DECLINE_S = 10.0
"""Seconds a customer who answers and says "not now" keeps the line (after ringing)."""
DRAIN = DAY
"""How long after the last day the run goes on to serve those still in line."""
