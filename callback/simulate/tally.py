"""What one simulated run counts, per interval of the day, and the figures made from it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import timedelta

from callback.forecast import Measured
from callback.simulate.arrivals import DAY


def _ratio(part: float, whole: float) -> float:
    """A share or a mean; NaN without a base (no replication should count it as 0)."""
    return part / whole if whole else math.nan


@dataclass(slots=True)
class Cell:
    """Counts of one interval of the day, summed over the simulated days."""

    offered: int = 0
    held: int = 0
    """Callers who stayed on hold (did not take a callback)."""
    served_from_hold: int = 0
    answered_in_target: int = 0
    hold_wait_s: float = 0.0
    abandoned: int = 0
    closed: int = 0
    """Calls that found the queue closed and left."""
    callbacks: int = 0
    callbacks_completed: int = 0
    callbacks_in_target: int = 0
    """Callbacks whose first dial began within the target of asking (or of the slot's start)."""
    callback_wait_s: float = 0.0
    promises_broken: int = 0
    """Callbacks reached after their promised time, or never (given up, expired)."""
    busy_s: float = 0.0
    logged_s: float = 0.0
    held_back_s: float = 0.0
    """Agent-seconds free while callbacks were due and the dial budget kept them undialled."""

    def figures(self) -> dict[str, float]:
        """The interval's report figures (a share or mean with nobody to count is NaN)."""
        return {
            "offered": float(self.offered),
            "served_from_hold": float(self.served_from_hold),
            "callbacks_completed": float(self.callbacks_completed),
            "callback_wait_s": _ratio(self.callback_wait_s, self.callbacks_completed),
            "service_level": _ratio(self.answered_in_target, self.held),
            "asa_s": _ratio(self.hold_wait_s, self.served_from_hold),
            "abandonment": _ratio(self.abandoned, self.held),
            "promises_broken": float(self.promises_broken),
            "occupancy": _ratio(self.busy_s, self.logged_s),
            "reserved_idle_s": self.held_back_s,
        }

    def add(self, other: Cell) -> None:
        """Add `other`'s counts to this cell's."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


FIGURES = tuple(Cell().figures())
"""The names of the report's figures, in report order."""


@dataclass(slots=True)
class Tally:
    """The cells of one run; times are seconds after the run's local midnight."""

    length: float
    cells: list[Cell] = field(default_factory=list)
    last: float = 0.0
    of_day: Callable[[float], float] | None = None
    """A moment's wall-clock seconds of its day, where a clock change makes a day longer or
    shorter (None: every day is 24 hours)."""

    def __post_init__(self) -> None:
        self.cells = [Cell() for _ in range(round(DAY / self.length))]

    def at(self, moment: float) -> Cell:
        """The cell of the interval of the day holding `moment`."""
        seconds = moment % DAY if self.of_day is None else self.of_day(moment)
        return self.cells[min(len(self.cells) - 1, int(seconds // self.length))]

    def spend(self, now: float, busy: int, logged: int, held_back: int) -> None:
        """Add the agent-time since the last call, split at interval boundaries."""
        start = self.last
        while start < now:
            boundary = (start // self.length + 1) * self.length
            end = min(now, boundary)
            cell, span = self.at(start), end - start
            cell.busy_s += busy * span
            cell.logged_s += logged * span
            cell.held_back_s += held_back * span
            start = end
        self.last = max(self.last, now)

    def total(self, first: int = 0, last: int | None = None) -> Cell:
        """The cells from interval `first` to `last` (excluded) added up."""
        whole = Cell()
        for cell in self.cells[first:last]:
            whole.add(cell)
        return whole


@dataclass(slots=True)
class Measures:
    """The figures the forecast measures, accumulated over the run."""

    attempts: int = 0
    occupied: float = 0.0
    unanswered: int = 0
    dials: int = 0
    abandoned: int = 0
    exposure: float = 0.0

    def read(self) -> Measured:
        """As the forecast takes them."""
        mean = timedelta(seconds=self.occupied / self.attempts) if self.attempts else None
        exposure = timedelta(seconds=self.exposure)
        return Measured(self.attempts, mean, self.abandoned, exposure, self.unanswered, self.dials)
