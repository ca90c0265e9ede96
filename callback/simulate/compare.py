"""Two configs on the same contacts, replicated: figures with 95% intervals, and a verdict.

Replication r of both configs runs on the same contacts (seed + r), so the difference
between them is judged pair by pair (common random numbers): an identical proposal
differs by exactly nothing, and a real change stands out of far less noise than the two
configs' own intervals would suggest.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import phonenumbers

from callback.config.model import SupervisorConfig
from callback.simulate.arrivals import Interval, contacts
from callback.simulate.clock import LocalClock
from callback.simulate.engine import Run
from callback.simulate.tally import FIGURES, Cell, Tally
from callback.types import E164

_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228)
"""Student's t 97.5% quantiles for 1..10 degrees of freedom (1.96 beyond 30, interpolated)."""


@dataclass(frozen=True, slots=True)
class Setup:
    """What to simulate: the profile, the days, the seeds and the report's interval."""

    profile: tuple[Interval, ...]
    start: date
    days: int = 1
    seed: int = 1
    replications: int = 5
    interval_s: float = 3600.0


@dataclass(frozen=True, slots=True)
class Figure:
    """A mean over the replications and the half-width of its 95% confidence interval."""

    mean: float
    half: float


NONE = Figure(math.nan, math.nan)
"""A figure no replication defines (nobody held, no callback completed ...)."""


def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom (inf for none)."""
    if df < 1:
        return math.inf
    if df <= len(_T975):
        return _T975[df - 1]
    return 1.96 + 2.4 / df  # within 1% of the true quantile from 11 degrees of freedom


def summarise(found: Sequence[float]) -> Figure:
    """The mean of the defined `found` (not NaN) with its 95% half-width (NaN: none defined)."""
    values = [value for value in found if not math.isnan(value)]
    if not values:
        return NONE
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Figure(mean, math.inf)
    spread = statistics.stdev(values)
    return Figure(mean, t975(len(values) - 1) * spread / math.sqrt(len(values)))


def caller_number(config: SupervisorConfig, queue: str) -> E164:
    """A valid number of the queue's region, for the simulated customers."""
    example = phonenumbers.example_number(config.queues[queue].region)
    assert example is not None, "every configured region has an example number"
    return E164(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))


def run_queue(config: SupervisorConfig, queue: str, setup: Setup, seed: int) -> Tally:
    """One replication of one queue under `config`."""
    clock = LocalClock(config.queues[queue].zone, setup.start)
    weekday = setup.start.weekday()
    tally = Tally(setup.interval_s)
    if clock.changes(setup.days):  # a 23 or 25 hour day: arrivals and report by the wall clock
        people = contacts(setup.profile, queue, setup.days, seed, weekday, clock.elapsed)
        tally.of_day = clock.of_day
    else:
        people = contacts(setup.profile, queue, setup.days, seed, weekday)
    number = caller_number(config, queue)
    run = Run(config, queue, clock.origin, setup.days, number, tally)
    return run.run(people)


def replicate(config: SupervisorConfig, queue: str, setup: Setup) -> list[Tally]:
    """Every replication of one queue under `config`."""
    seeds = range(setup.seed, setup.seed + setup.replications)
    return [run_queue(config, queue, setup, seed) for seed in seeds]


def figures_of(cells: Sequence[Cell]) -> dict[str, Figure]:
    """Each figure over the replications' cells."""
    read = [cell.figures() for cell in cells]
    return {name: summarise([one[name] for one in read]) for name in FIGURES}


def span_cells(tallies: Sequence[Tally], first: int, last: int) -> list[Cell]:
    """Each replication's cells from `first` to `last` (excluded) added up."""
    return [tally.total(first, last) for tally in tallies]


def paired(
    current: Sequence[Tally], proposed: Sequence[Tally], span: tuple[int, int], name: str
) -> Figure:
    """The proposed-minus-current difference of one figure over a span, pair by pair."""
    now = span_cells(current, *span)
    new = span_cells(proposed, *span)
    return summarise([b.figures()[name] - a.figures()[name] for a, b in zip(now, new, strict=True)])


def active(tallies: Sequence[Tally]) -> list[int]:
    """The intervals anyone arrived in or any agent worked in, in any replication."""
    width = len(tallies[0].cells)
    return [
        i for i in range(width) if any(t.cells[i].offered or t.cells[i].logged_s for t in tallies)
    ]


Judge = Callable[[Figure], bool]


def differs(figure: Figure, least: float) -> bool:
    """Whether a paired difference stands out of the noise and matters (at least `least`)."""
    return abs(figure.mean) > figure.half and abs(figure.mean) >= least
