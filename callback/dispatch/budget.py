"""How many callbacks one queue may start dialling at one tick, and which rule says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callback.config.policy import CallbackPolicy
from callback.dispatch.opening import Gate, gate
from callback.dispatch.rate import rate_allowance
from callback.hours import Schedule


class Limit(StrEnum):
    """The rule that binds a dial budget, in the order they are reported on a tie."""

    CLOSED = "closed"
    CUTOFF = "cutoff"
    NO_FREE_AGENT = "no_free_agent"
    RESERVED_FOR_LIVE = "reserved_for_live"
    MAX_CONCURRENT = "max_concurrent"
    RATE_CAP = "rate_cap"
    NONE = "none"
    """Every free agent may take a callback: only their number bounds the budget."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the dispatcher knows about one queue at one tick."""

    now: datetime
    free_agents: int
    """Agents available now and not already held for a dial being set up."""
    live_waiting: int
    """Callers holding on the line in this queue."""
    in_progress: int
    """This queue's callbacks dialling or connected."""
    recent_starts: tuple[datetime, ...] = ()
    """Start times of this queue's dials in the last minute, from the database."""

    def __post_init__(self) -> None:
        if self.now.utcoffset() is None:
            raise ValueError("`now` must be timezone-aware")
        for name in ("free_agents", "live_waiting", "in_progress"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative, got {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class Budget:
    """How many callbacks may start now, and the rule that stops more."""

    allowed: int
    limited_by: Limit


def allowances(
    snapshot: Snapshot, policy: CallbackPolicy, schedule: Schedule
) -> dict[Limit, int | None]:
    """What each rule alone would allow (None: no bound), in reporting order."""
    state = gate(schedule, policy, snapshot.now)
    reserved = min(policy.reserve_agents_for_live, snapshot.live_waiting)
    cap = policy.max_concurrent_callbacks
    return {
        Limit.CLOSED: 0 if state is Gate.CLOSED else None,
        Limit.CUTOFF: 0 if state is Gate.CUTOFF else None,
        Limit.NO_FREE_AGENT: snapshot.free_agents,
        Limit.RESERVED_FOR_LIVE: max(0, snapshot.free_agents - reserved) if reserved else None,
        Limit.MAX_CONCURRENT: None if cap is None else max(0, cap - snapshot.in_progress),
        Limit.RATE_CAP: rate_allowance(
            snapshot.recent_starts, snapshot.now, policy.dial_rate_per_minute
        ),
    }


def dial_budget(snapshot: Snapshot, policy: CallbackPolicy, schedule: Schedule) -> Budget:
    """The least any rule allows, with the first rule (in `Limit` order) that binds it.

    Free agents are the resource rather than a rule: a rule binds when it allows fewer
    callbacks than there are free agents, or none at all. When nothing allows fewer than
    the (positive) number of free agents, the budget is every free agent and the reason NONE.
    """
    bounds = allowances(snapshot, policy, schedule)
    allowed = min(bound for bound in bounds.values() if bound is not None)
    for rule, bound in bounds.items():
        if bound == allowed and (bound < snapshot.free_agents or bound == 0):
            return Budget(allowed, rule)
    return Budget(allowed, Limit.NONE)
