"""The simulation's check of staffing advice: the fewest agents the real line needs.

Erlang A (or C) takes an interval as one M/M/n+M queue. The real line is not one: callbacks
wait for the dial budget (agents reserved for callers on hold, the concurrency cap, the dial
rate), for the hours' cut-off and the customer's calling window, unanswered dials come back
after a backoff, and callers on hold and callbacks share one order. For one interval of
advice this module runs the engine (`callback.simulate.engine`, the real rules) on the
interval's measured arrivals, handle time and patience with a constant number of agents,
and searches from the formula's figure for the fewest agents with which the simulated line
meets the goal. The goal is counted as advice counts it: a caller on hold is answered when
an agent takes them, a callback when its first dial begins (both within the goal's time);
callers who give up count as missed, callbacks never give up.

Each trial runs the interval after a warm-up at the same rates (only while the queue is
open), on the interval's own clock; every trial of one interval runs on the same people
(common random numbers), so a difference between agent counts is the agents' doing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from callback.advice import Advice, Check, SimulatedCheck
from callback.config.model import SupervisorConfig
from callback.config.queue import LiveCallers
from callback.goals import AbandonmentGoal, Goal
from callback.simulate.arrivals import Contact, contacts
from callback.simulate.compare import Figure, caller_number, summarise
from callback.simulate.engine import Run
from callback.simulate.reasons import Dials, profile_rows, reason
from callback.simulate.tally import Cell, Tally

WARM_S = 3600.0
"""At least this long of the interval's arrivals runs before it is measured."""
MEASURE_S = 3600.0
"""At least this long is measured (the interval and, while the queue stays open, its rates
held on after it): a half hour alone swings too much to judge one agent by."""
LONGEST_WARMED = 6 * 3600.0
"""Intervals longer than this are measured from an empty line (their own start is warm-up)."""
DRAIN_S = 3600.0
"""The run goes on this long after the arrivals stop, so that the last of them are settled."""


@dataclass(frozen=True, slots=True)
class Trials:
    """How hard each interval is looked at."""

    seed: int = 1
    least: int = 8
    """Replications at least."""
    most: int = 24
    arrivals: int = 1500
    """Arrivals measured per trial, over the replications (thin intervals get more)."""


@dataclass(frozen=True, slots=True)
class Found:
    """One trial: the goal's figure over the replications and their measured cells added up."""

    figure: Figure
    cells: tuple[Cell, ...]


class _Interval:
    """One advice row, ready to simulate with any number of agents."""

    def __init__(self, config: SupervisorConfig, row: Advice, goal: Goal, dials: Dials) -> None:
        self.config, self.row, self.goal = config, row, goal
        self.schedule = config.queues[row.queue].schedule()
        length = self.length = (row.end - row.start).total_seconds()
        self.warm = length * math.ceil(WARM_S / length) if length <= LONGEST_WARMED else 0.0
        self.first = round(self.warm / length)
        self.count = self._measured()
        self.end = self.warm + self.count * length
        self.origin = row.start - timedelta(seconds=self.warm)
        self.rows = profile_rows(config, row, dials, self.end)
        self.within = None if isinstance(goal, AbandonmentGoal) else goal.within.total_seconds()

    def _measured(self) -> int:
        """How many interval lengths are measured: enough for MEASURE_S while the queue is open."""
        closes = self.schedule.closes_at(self.row.start)
        wanted = math.ceil(MEASURE_S / self.length)
        if closes is None or wanted == 1:
            return 1
        return max(1, min(wanted, int((closes - self.row.start).total_seconds() // self.length)))

    def people(self, seed: int) -> list[Contact]:
        """Replication `seed`'s contacts: none in the warm-up while the queue is closed."""
        found = contacts(self.rows, self.row.queue, 1, seed)
        return [
            c
            for c in found
            if c.at < self.end
            and (c.at >= self.warm or self.schedule.is_open(self.origin + timedelta(seconds=c.at)))
        ]

    def measured(self, agents: int, people: list[Contact]) -> tuple[Cell, int]:
        """One replication with `agents`: the measured cells added up, and the callers still
        holding when the run stops."""
        run = Run(
            self.config,
            self.row.queue,
            self.origin,
            1,
            caller_number(self.config, self.row.queue),
            Tally(self.length),
            agents=agents,
            within_s=self.within,
            horizon_s=self.end + DRAIN_S,
        )
        tally = run.run(people)
        holding = sum(self.warm <= h.arrived < self.end for h in run.line.holding.values())
        return tally.total(self.first, self.first + self.count), holding


def _figure(goal: Goal, cell: Cell, holding: int) -> float:
    """The goal's figure in one replication's measured cell (NaN: nobody joined)."""
    joined = cell.held + cell.callbacks
    if not joined:
        return math.nan
    if isinstance(goal, AbandonmentGoal):  # those still holding when the run stops gave up
        return (cell.abandoned + holding) / joined
    return (cell.answered_in_target + cell.callbacks_in_target) / joined


def _short(goal: Goal, value: float) -> bool:
    """Whether `value` of the goal's figure falls short of it."""
    return value > goal.share if isinstance(goal, AbandonmentGoal) else value < goal.share


def _clearly(goal: Goal, figure: Figure, short: bool) -> bool:
    """Whether the whole 95% interval of `figure` falls short of the goal (or meets it)."""
    if not math.isfinite(figure.half):
        return False
    ends = (figure.mean - figure.half, figure.mean + figure.half)
    return all(_short(goal, end) == short for end in ends)


class _Search:
    """Trials of one interval, each agent count run once on the same replications."""

    def __init__(self, interval: _Interval, trials: Trials) -> None:
        self.interval, self.goal = interval, interval.goal
        per_trial = max(1, interval.row.tally.offered) * interval.count
        count = min(trials.most, max(trials.least, math.ceil(trials.arrivals / per_trial)))
        self.people = [interval.people(trials.seed + k) for k in range(count)]
        self.found: dict[int, Found] = {}

    def trial(self, agents: int) -> Found:
        """The goal's figure with `agents` (run once, then remembered)."""
        if agents not in self.found:
            runs = [self.interval.measured(agents, people) for people in self.people]
            figure = summarise([_figure(self.goal, cell, holding) for cell, holding in runs])
            self.found[agents] = Found(figure, tuple(cell for cell, _ in runs))
        return self.found[agents]

    def meets(self, agents: int) -> bool:
        """Whether the simulated line meets the goal with `agents`, on average."""
        mean = self.trial(agents).figure.mean
        return math.isnan(mean) or not _short(self.goal, mean)

    def fewest(self, needed: int, most: int) -> int | None:
        """The formula's `needed` unless the simulation clearly disagrees: then the fewest
        agents that meet the goal on average (None: not even `most`)."""
        at_needed = self.trial(needed).figure
        if _clearly(self.goal, at_needed, short=True):
            return self._up(needed, most)
        # One fewer can only clearly meet the goal where the formula's count clearly does.
        clear = needed > 1 and _clearly(self.goal, at_needed, short=False)
        if clear and _clearly(self.goal, self.trial(needed - 1).figure, short=False):
            fewer = needed - 1
            while fewer > 1 and self.meets(fewer - 1):
                fewer -= 1
            return fewer
        return needed

    def _up(self, low: int, most: int) -> int | None:
        """The fewest agents above `low` (short of the goal) that meet it, up to `most`."""
        step = 1
        while not self.meets(min(low + step, most)):
            if low + step >= most:
                return None
            low, step = low + step, step * 2
        high = min(low + step, most)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if self.meets(middle) else (middle, high)
        return high


def check_interval(
    config: SupervisorConfig, row: Advice, goal: Goal, dials: Dials, trials: Trials = Trials()
) -> SimulatedCheck | None:
    """The fewest agents with which the simulated real line meets `goal` in `row`'s interval,
    searched from the formula's figure; None when nobody joined or the queue's callers on
    hold are another system's."""
    queue = config.queues[row.queue]
    if not row.tally.offered or queue.live_callers is LiveCallers.EXTERNAL:
        return None
    search = _Search(_Interval(config, row, goal, dials), trials)
    start = max(1, row.needed)
    most = max(2 * start, start + 10)
    agents = search.fewest(start, most)
    shown = most if agents is None else agents
    first, last = search.trial(start), search.trial(shown)
    closes = queue.schedule().closes_at(row.start)
    open_all = closes is not None and closes >= row.end
    note = reason(
        config, row.queue, goal, (start, agents), (first.figure.mean, first.cells), open_all
    )
    return SimulatedCheck(
        agents=shown,
        outcome=last.figure.mean,
        half=last.figure.half,
        note=note,
        at_needed=first.figure.mean,
        met=agents is not None,
        replications=len(search.people),
    )


def checker(
    config: SupervisorConfig,
    goal: Goal,
    dials: Dials,
    trials: Trials = Trials(),
    every: bool = False,
) -> Check:
    """The check of one queue's rows for `goal`: intervals where callbacks joined the line
    (or `every` interval anyone joined); callers on hold alone are the formula's own model."""

    def check(row: Advice) -> SimulatedCheck | None:
        if not (every or row.tally.callbacks):
            return None
        return check_interval(config, row, goal, dials, trials)

    return check
