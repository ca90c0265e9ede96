"""Staffing advice: the agents each interval needed for a goal, beside the plan (pure).

Each interval's inputs are measured from its own history, pulled toward the queue's
figures over the whole window so that a thin interval does not swing the advice:

- offered: callers who held plus callback requests, over the interval's length;
- handle time: agent time per served item (claim to free again: ringing, unanswered
  dials, talk and wrap-up), with the window's figure worth `PSEUDO_ITEMS` items (the
  config's prior when the window served nobody);
- patience: callers on hold give up at the hazard abandons / time on hold, with the
  window's hazard worth `PSEUDO_ITEMS` callers' time on hold. Callbacks never give up,
  so the line as a whole gives up at that hazard times the held callers' share of the
  arrivals. No abandonment measured (or a mean patience past a day): Erlang C.

The formula is optimistic where callbacks and the dial budget shape the line;
`with_simulated_check` adds a simulation's figure (`callback.simulate.check`) to the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from callback.forecast import NEVER
from callback.goals import Goal, Load, agents_for, outcome
from callback.history import History, Span, Tally, spans, tallies
from callback.plan import StaffingPlan

PSEUDO_ITEMS = 10
"""How many served items (or callers on hold) the window's figure weighs in each interval."""


@dataclass(frozen=True, slots=True)
class SimulatedCheck:
    """What a simulation of the real line found for one interval."""

    agents: int
    """The fewest agents with which the simulated line met the goal (unless not `met`: the
    most it tried)."""
    outcome: float
    """The goal's figure the simulation measured with those agents."""
    note: str = ""
    """Why the figure differs from the formula's (or that it confirms it)."""
    half: float = 0.0
    """The half-width of the 95% confidence interval of `outcome`, over the replications."""
    at_needed: float | None = None
    """The goal's figure the simulation measured with the formula's agents."""
    met: bool = True
    """False: no number of agents tried met the goal (callbacks kept out of reach by rules)."""
    replications: int = 0


@dataclass(frozen=True, slots=True)
class Advice:
    """One interval of one queue: what it offered, what it needed, what was planned."""

    queue: str
    start: datetime
    end: datetime
    tally: Tally
    handle_s: float
    patience_s: float | None
    """Callers on hold's mean patience; None: nobody gave up."""
    line_patience_s: float | None
    """The whole line's mean patience, as the formula takes it; None: Erlang C."""
    traffic: float
    needed: int
    planned: float
    """Agents planned, averaged over the interval."""
    at_plan: float
    """The goal's figure (service level or abandonment) with the planned agents."""
    running: bool = False
    """The interval had not ended: it is measured until now."""
    simulated: SimulatedCheck | None = None

    @property
    def model(self) -> str:
        """The formula used: "A" (Erlang A, callers give up) or "C" (nobody does)."""
        return "C" if self.line_patience_s is None else "A"

    @property
    def difference(self) -> float:
        """Agents to add to the plan (negative: agents to spare)."""
        return self.needed - self.planned


Check = Callable[[Advice], SimulatedCheck | None]
"""A simulation's verdict on one interval (None: it could not check that one)."""


def with_simulated_check(rows: Iterable[Advice], check: Check) -> list[Advice]:
    """The rows with the simulated check column filled in by `check`."""
    return [replace(row, simulated=check(row)) for row in rows]


@dataclass(frozen=True, slots=True)
class Window:
    """Which local days, cut how: `days` days from `first`, intervals of `length`."""

    first: date
    days: int
    length: timedelta


def advise(
    history: History,
    queue: str,
    plan: StaffingPlan,
    handle_prior: timedelta,
    goal: Goal,
    window: Window,
    now: datetime,
) -> list[Advice]:
    """Advice for the intervals of `window` up to `now` (the last one measured until `now`),
    from the first in which anyone joined `queue`'s line to the last: empty without any."""
    whole_spans = spans(plan.tz, window.first, window.days, window.length)
    cut = [(start, min(end, now)) for start, end in whole_spans if start < now]
    counted = tallies(history, queue, cut)
    busy = [index for index, tally in enumerate(counted) if tally.offered]
    if not busy:
        return []
    whole = sum(counted, Tally())
    handle = whole.occupied_s / whole.served if whole.served else handle_prior.total_seconds()
    measured = _Measured(handle, whole)
    rows = [
        _advice(queue, cut[index], counted[index], measured, plan, goal)
        for index in range(busy[0], busy[-1] + 1)
    ]
    if whole_spans[busy[-1]][1] > now:
        rows[-1] = replace(rows[-1], running=True)
    return [row for row in rows if row.tally.offered or row.planned]


@dataclass(frozen=True, slots=True)
class _Measured:
    """The window's figures an interval's own are pulled toward."""

    handle_s: float
    whole: Tally

    def handle(self, tally: Tally) -> float:
        """The interval's handle time, the window's figure worth PSEUDO_ITEMS items."""
        total = self.handle_s * PSEUDO_ITEMS + tally.occupied_s
        return total / (PSEUDO_ITEMS + tally.served)

    def patience(self, tally: Tally) -> float | None:
        """Callers on hold's mean patience in the interval; None: nobody gives up."""
        whole = self.whole
        if whole.exposure_s <= 0:
            return None
        prior_exposure = PSEUDO_ITEMS * whole.exposure_s / whole.waited
        given_up = whole.abandoned / whole.exposure_s * prior_exposure + tally.abandoned
        hazard = given_up / (prior_exposure + tally.exposure_s)
        return _finite(1 / hazard) if hazard > 0 else None


def _finite(patience_s: float) -> float | None:
    return None if patience_s > NEVER.total_seconds() else patience_s


def _advice(
    queue: str, span: Span, tally: Tally, measured: _Measured, plan: StaffingPlan, goal: Goal
) -> Advice:
    start, end = span
    seconds = (end - start).total_seconds()
    handle, patience = measured.handle(tally), measured.patience(tally)
    line = None
    if patience is not None and tally.held:
        line = _finite(patience * tally.offered / tally.held)
    load = Load(tally.offered / seconds * handle, handle, line)
    segments = _segments(plan, span)
    return Advice(
        queue=queue,
        start=start,
        end=end,
        tally=tally,
        handle_s=handle,
        patience_s=patience,
        line_patience_s=line,
        traffic=load.traffic,
        needed=agents_for(goal, load),
        planned=sum(share * agents for share, agents in segments),
        at_plan=sum(share * outcome(goal, load, agents) for share, agents in segments),
    )


def _segments(plan: StaffingPlan, span: Span) -> Sequence[tuple[float, int]]:
    """The plan over `span`: (share of the interval, agents) for each constant stretch."""
    start, end = span
    seconds = (end - start).total_seconds()
    return [
        ((until - since).total_seconds() / seconds, agents)
        for since, until, agents in plan.segments(start, end)
    ]
