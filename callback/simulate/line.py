"""The simulated one line: callers on hold and callbacks waiting, in the dispatcher's order.

The order and the choice are the dispatcher's (`callback.store.dispatching.offer_agent`)
without the database: the queue's dial budget (`callback.dispatch.dial_budget`) read
before each free agent, the first due callback that `callback.dispatch.eligible` allows
(those it refuses are postponed to the instant it names, or expire), and the caller on
hold at the head of the line served first when they came earlier (a tie goes to the
caller on the line). The budget binds callbacks only.
"""

from __future__ import annotations

from bisect import insort
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from callback.config.model import SupervisorConfig
from callback.dispatch import (
    WINDOW,
    Budget,
    Eligible,
    Expired,
    Limit,
    NotBefore,
    Snapshot,
    dial_budget,
    eligible,
)
from callback.inputs import LineInputs, Staffed
from callback.request import CallbackRequest
from callback.simulate.arrivals import Contact

IDLE = Budget(0, Limit.NONE)
"""The budget reported when no callback is in line (none is read: no rule could matter)."""
HELD_BACK = frozenset({Limit.RESERVED_FOR_LIVE, Limit.MAX_CONCURRENT, Limit.RATE_CAP})
"""The rules that can leave an agent free while callbacks are due (the reserve, cap, rate)."""


@dataclass(slots=True)
class Holding:
    """A caller on hold."""

    arrived: float
    contact: Contact


@dataclass(slots=True)
class Pending:
    """A callback request in line (or being dialled), with its promise."""

    request: CallbackRequest
    created: float
    due: float
    contact: Contact
    by: float
    attempts: int = 0
    first_attempt: datetime | None = None
    due_from: float = 0.0
    """When the customer expects the call from: the slot's start, or (0) when they asked."""


@dataclass(slots=True)
class Choice:
    """What one free agent is given: a caller on hold, a callback, or nothing (and why)."""

    budget: Budget
    held: int | None = None
    callback: int | None = None


@dataclass
class Line:
    """Everyone waiting in one queue, and the queue's rules as the dispatcher reads them."""

    config: SupervisorConfig
    queue: str
    origin: datetime
    holding: dict[int, Holding] = field(default_factory=dict)
    """Callers on hold by id, in arrival order (their place in line)."""
    order: list[tuple[float, int]] = field(default_factory=list)
    """(virtual start, id) of the callbacks not being dialled, in line order."""
    pending: dict[int, Pending] = field(default_factory=dict)
    in_progress: int = 0
    recent: deque[datetime] = field(default_factory=deque)
    wakes: list[float] = field(default_factory=list)
    """Instants the rules named (a postponed due time): the engine wakes the dispatcher then."""
    expired: list[Pending] = field(default_factory=list)

    def __post_init__(self) -> None:
        queue = self.config.queues[self.queue]
        self.policy = self.config.callback_policy(self.queue)
        self.schedule, self.zone = queue.schedule(), queue.zone
        self.window = self.config.calling_window_policy()

    def when(self, seconds: float) -> datetime:
        """The instant `seconds` after the run's origin."""
        return self.origin + timedelta(seconds=seconds)

    def seconds(self, moment: datetime) -> float:
        """`moment` as seconds after the run's origin."""
        return (moment - self.origin).total_seconds()

    def wait_again(self, ident: int, due: float) -> None:
        """Put callback `ident` back in line at its own place, due at `due`."""
        entry = self.pending[ident]
        entry.due = due
        insort(self.order, (entry.created, ident))
        self.wakes.append(due)

    def inputs(self, now: float, staffed: Staffed, callback: bool) -> LineInputs:
        """The line a newcomer joins, as the forecast reads it."""
        due = back = 0
        returning = []
        for _, ident in self.order:
            entry = self.pending[ident]
            if entry.due <= now:
                due += 1
            else:
                back += 1
                returning.append(self.when(entry.due))
        held = len(self.holding)
        return LineInputs(due + held, held, tuple(returning), staffed, callback=callback)

    def budget(self, now: datetime, free: int) -> Budget:
        """The queue's dial budget for one more free agent."""
        while self.recent and self.recent[0] <= now - WINDOW:
            self.recent.popleft()
        snapshot = Snapshot(now, free, len(self.holding), self.in_progress, tuple(self.recent))
        return dial_budget(snapshot, self.policy, self.schedule)

    def choose(self, now: float, free: int, serve_held: bool) -> Choice:
        """The dispatcher's pick for one free agent at `now`."""
        moment = self.when(now)
        head = next(iter(self.holding), None) if serve_held else None
        if not self.order:  # the budget binds callbacks only: with none in line it is moot
            return Choice(IDLE, held=head)
        budget = self.budget(moment, free)
        if budget.allowed > 0:
            ident = self._first_eligible(now, moment, head)
            if ident is not None or head is None:
                return Choice(budget, callback=ident)
        return Choice(budget, held=head)

    def _first_eligible(self, now: float, moment: datetime, head: int | None) -> int | None:
        """The first due callback the rules allow, unless the caller on hold `head` comes first."""
        for start, ident in list(self.order):
            entry = self.pending[ident]
            if entry.due > now:
                continue
            verdict = eligible(
                entry.request,
                moment,
                window=self.window,
                fallback_zone=self.zone,
                schedule=self.schedule,
                policy=self.policy,
                due=self.when(entry.due),
            )
            if isinstance(verdict, NotBefore):
                entry.due = self.seconds(verdict.at)
                self.wakes.append(entry.due)
                continue
            if isinstance(verdict, Expired):
                self.order.remove((start, ident))
                self.expired.append(self.pending.pop(ident))
                continue
            assert isinstance(verdict, Eligible)
            if head is not None and self.holding[head].arrived <= start:
                return None
            return ident
        return None

    def any_due(self, now: float) -> bool:
        """Whether a callback in line is due at `now`."""
        return any(self.pending[ident].due <= now for _, ident in self.order)

    def start_dial(self, ident: int, now: float) -> Pending:
        """Take callback `ident` out of line for a dial attempt at `now`."""
        entry = self.pending[ident]
        self.order.remove((entry.created, ident))
        moment = self.when(now)
        self.recent.append(moment)
        self.in_progress += 1
        entry.attempts += 1
        entry.first_attempt = entry.first_attempt or moment
        return entry
