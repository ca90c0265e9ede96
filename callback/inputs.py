"""Who works now and who is ahead, turned into the estimate's inputs (pure, `now` given).

Agents now come from presence when the adapters report it: the logged-in agents
(available, busy or wrapping up) hold until the end of the plan segment containing
`now`, and the staffing plan takes over after it. An available agent serves one of
those ahead at once; an agent wrapping up frees a place exactly when the wrap-up ends;
only the others free places at the measured rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.estimate import Estimate, EstimateInputs, estimate_wait, fixed_wait
from callback.mixture import Retry

Segment = tuple[datetime, datetime, int]


@dataclass(frozen=True, slots=True)
class Staffed:
    """The agents of a queue logged in now, from presence."""

    logged_in: int
    """Available, busy or wrapping up."""
    available: int = 0
    wrap_ends: tuple[datetime, ...] = ()
    """When each agent wrapping up becomes free."""


@dataclass(frozen=True, slots=True)
class LineInputs:
    """The person's place: who is ahead, who works now, and what kind of request they are."""

    ahead: int
    on_hold: int | None = None
    """How many of those ahead are callers on hold (who can abandon); None: all."""
    returning: tuple[datetime, ...] = ()
    """When each callback ahead that waits out its backoff is due back."""
    staffed: Staffed | None = None
    """None: nobody reports presence, the staffing plan tells the agents now."""
    callback: bool = False
    """The person is a callback: their own no-answer and the retry count."""


def staffed_now(statuses: Iterable[tuple[str, datetime | None]], now: datetime) -> Staffed:
    """Count (status, wrap-up end) pairs of one queue's agents; an ended wrap-up is free."""
    logged = available = 0
    ends: list[datetime] = []
    for status, until in statuses:
        if status not in ("available", "busy", "wrap_up"):
            continue
        logged += 1
        if status == "available" or (status == "wrap_up" and (until is None or until <= now)):
            available += 1
        elif status == "wrap_up" and until is not None:
            ends.append(until)
    return Staffed(logged, available, tuple(sorted(ends)))


@dataclass(frozen=True, slots=True)
class Present:
    """Presence applied to the plan once per forecast: the same for any place in line."""

    staffed: Staffed
    ends: tuple[datetime, ...]
    """Wrap-ups still running, soonest first."""
    staffing: tuple[Segment, ...]
    """The plan with its current segment replaced by those logged in."""

    @classmethod
    def of(cls, staffed: Staffed, staffing: Sequence[Segment], now: datetime) -> Present:
        """`staffed` over the plan `staffing` at `now`."""
        ends = tuple(end for end in staffed.wrap_ends if end > now)
        return cls(staffed, ends, tuple(_rising(staffing, now, staffed.logged_in, list(ends))))

    def place(
        self,
        ahead: int,
        abandoning: int | None,
        now: datetime,
        closes_at: datetime | None,
        retry: Retry | None = None,
    ) -> tuple[int, int | None, int] | Estimate:
        """Those still ahead once free agents and wrap-ups have taken theirs, how many of them
        can abandon and the agents serving now; or the wait when one of those serves them."""
        free, ends = self.staffed.available, self.ends
        servers = max(self.staffed.logged_in, 1)
        if ahead < free:
            return fixed_wait(now, timedelta(0), closes_at, servers, retry)
        if ahead < free + len(ends):
            return fixed_wait(now, ends[ahead - free] - now, closes_at, servers, retry)
        left = ahead - free - len(ends)
        if abandoning is not None and ahead:
            abandoning = round(abandoning * left / ahead)
        return left, abandoning, self.staffed.logged_in - len(ends)

    def apply(self, inputs: EstimateInputs) -> EstimateInputs | Estimate:
        """`inputs` (from the plan) for the person `inputs.ahead` from the head."""
        placed = self.place(
            inputs.ahead, inputs.abandoning, inputs.now, inputs.closes_at, inputs.retry
        )
        if isinstance(placed, Estimate):
            return placed
        left, abandoning, agents = placed
        # Positional: `dataclasses.replace` costs a fifth of a forecast.
        return EstimateInputs(
            left,
            inputs.now,
            agents,
            inputs.mean_handle,
            inputs.mean_patience,
            self.staffing,
            inputs.closes_at,
            abandoning,
            inputs.retry,
            inputs.dead,
            inputs.quantiles,
        )


def _rising(
    staffing: Sequence[Segment], now: datetime, logged: int, ends: list[datetime]
) -> list[Segment]:
    """The plan, its current segment replaced by those logged in, one more per wrap-up end."""
    if not staffing:
        return []
    first_end = staffing[0][1]
    pieces: list[Segment] = []
    start, level = now, logged - len(ends)
    for end in ends:
        if end >= first_end:
            break
        if end > start:
            pieces.append((start, end, level))
            start = end
        level += 1
    pieces.append((start, first_end, logged))
    return pieces + list(staffing[1:])


def counting_returns(
    estimate: Callable[[int], Estimate | None],
    ahead: int,
    returning: Sequence[datetime],
    now: datetime,
) -> Estimate | None:
    """The estimate once the callbacks due back before the person's turn are counted ahead."""
    due = sorted(returning)
    counted = 0
    result = estimate(ahead)
    while result is not None and counted < len(due) and due[counted] <= now + result.wait:
        # Each callback counted pushes the turn later, which may bring the next one in.
        while counted < len(due) and due[counted] <= now + result.wait:
            counted += 1
        result = estimate(ahead + counted)
    return result


def estimate_for(inputs: EstimateInputs, present: Present | Staffed | None) -> Estimate:
    """The estimate with presence applied when it is known."""
    if present is None:
        return estimate_wait(inputs)
    if isinstance(present, Staffed):
        present = Present.of(present, inputs.staffing, inputs.now)
    adjusted = present.apply(inputs)
    return adjusted if isinstance(adjusted, Estimate) else estimate_wait(adjusted)
