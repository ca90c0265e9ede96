"""What the staffing check simulates for one interval, and why its figure differs.

The interval's arrivals are the advice's own counts: callers who held (they hold; none takes
a callback, those who did are counted as callbacks) and callbacks (asked for as soon as
possible). The talk time is chosen so that an agent spends the measured handle time per
served item, as the formula takes it: the queue's wrap-up, a callback's ringing and its
expected unanswered dials (at the window's measured shares) come out of the measured figure,
since the engine adds them itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import time

from callback.advice import Advice
from callback.config.model import SupervisorConfig
from callback.goals import AbandonmentGoal, Goal
from callback.simulate.arrivals import DAY, Interval, Kind
from callback.simulate.tally import Cell
from callback.simulate.timing import ANSWER_S, DECLINE_S, MACHINE_S

SHORTEST_TALK_S = 1.0
LEAST_IDLE_MINUTES = 1.0
"""Agent-minutes held back (per replication) worth naming as a reason."""
LEAST_GAP = 0.05
"""How much less often callbacks than callers on hold must be taken in time to be a reason."""


@dataclass(frozen=True, slots=True)
class Dials:
    """The shares of callback dials that ring out, reach a machine, or are answered and
    declined ("not now"), measured over the advice's window."""

    no_answer: float = 0.0
    machine: float = 0.0
    declined: float = 0.0

    @property
    def missed(self) -> float:
        """The share of dials that do not reach the customer for a talk (at most 95%)."""
        return min(0.95, self.no_answer + self.machine + self.declined)


def talk_s(config: SupervisorConfig, row: Advice, dials: Dials) -> float:
    """The mean talk that, with wrap-up, ringing and unanswered dials, makes the row's handle."""
    queue, policy = config.queues[row.queue], config.callback_policy(row.queue)
    ring = policy.ring_timeout.total_seconds()
    per_dial = (
        dials.no_answer * ring
        + dials.machine * min(ring, MACHINE_S)
        + dials.declined * (ANSWER_S + DECLINE_S)
    )
    share = row.tally.callbacks / row.tally.offered
    extra = share * (ANSWER_S + per_dial / (1 - dials.missed))
    return max(SHORTEST_TALK_S, row.handle_s - queue.wrap_up.total_seconds() - extra)


def _clock(seconds: float) -> time:
    """`seconds` after midnight as a profile's clock (a whole day ends at 00:00, 24:00)."""
    if seconds >= DAY:
        return time(0)
    whole = int(seconds)
    return time(whole // 3600, whole // 60 % 60, whole % 60)


def profile_rows(
    config: SupervisorConfig, row: Advice, dials: Dials, span_s: float
) -> tuple[Interval, ...]:
    """The interval's arrival rates, over `span_s` seconds from the run's start."""
    scale = span_s / (row.end - row.start).total_seconds()
    talk, end, tally = talk_s(config, row, dials), _clock(span_s), row.tally
    rows = (
        Interval(row.queue, time(0), end, Kind.PHONE, tally.held * scale, talk, row.patience_s),
        Interval(row.queue, time(0), end, Kind.WEB, tally.callbacks * scale, talk, None),
    )
    return tuple(
        replace(r, no_answer=dials.no_answer, machine=dials.machine, declined=dials.declined)
        for r in rows
        if r.offered
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _held_back(config: SupervisorConfig, queue: str, cells: Sequence[Cell]) -> str | None:
    """The budget's rules that kept agents free while callbacks were due, if they did."""
    minutes = sum(cell.held_back_s for cell in cells) / len(cells) / 60
    if minutes < LEAST_IDLE_MINUTES:
        return None
    policy = config.callback_policy(queue)
    rules = ["the agents reserved for callers on hold"] if policy.reserve_agents_for_live else []
    if policy.max_concurrent_callbacks is not None:
        rules.append("the cap on concurrent callbacks")
    what = " and ".join(rules) or "the dial rate"
    return f"{what} kept agents free {minutes:.0f} agent-minutes while callbacks were due"


def _later(cells: Sequence[Cell]) -> str | None:
    """Callbacks taken in time less often than callers on hold, if they were."""
    held = _share(sum(c.answered_in_target for c in cells), sum(c.held for c in cells))
    asked = _share(sum(c.callbacks_in_target for c in cells), sum(c.callbacks for c in cells))
    if held is None or asked is None or asked >= held - LEAST_GAP:
        return None
    return f"callbacks were taken in time less often than held callers ({asked:.0%} to {held:.0%})"


def reason(
    config: SupervisorConfig,
    queue: str,
    goal: Goal,
    counts: tuple[int, int | None],
    at_needed: tuple[float, Sequence[Cell]],
    open_all: bool = True,
) -> str:
    """Why the simulated figure (`counts`: the formula's agents, the simulation's or None
    when not met) differs, from the trial with the formula's agents (figure and cells);
    `open_all`: the queue is open throughout the interval."""
    needed, found = counts
    figure, cells = at_needed
    name = "abandonment" if isinstance(goal, AbandonmentGoal) else "service level"
    if found == needed:
        return "confirms the formula"
    if found is not None and found < needed:
        return f"met with fewer agents than the formula's {needed} ({name} {figure:.0%} with them)"
    shut = None if open_all else "the queue is closed for part of the interval: callbacks wait"
    found_causes = (shut, _held_back(config, queue, cells), _later(cells))
    causes = [cause for cause in found_causes if cause]
    why = "; ".join(causes) or "the line's order and the retries load the agents unevenly"
    return f"with the formula's {needed} agents the real line's {name} is {figure:.0%}: {why}"
