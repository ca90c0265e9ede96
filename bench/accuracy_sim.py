"""A line on a virtual clock: live callers and callbacks, agents with presence, the real forecast.

Each arrival asks `callback.forecast.forecast` (the function every channel uses) with the
line as the adapters would see it: who waits ahead, how many of them are on hold, the
callbacks waiting out a backoff, the agents logged in (free, busy, wrapping up) and the
figures measured so far. What then happens to that person is recorded beside it.
"""

from __future__ import annotations

import heapq
import math
from bisect import insort
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from random import Random

from callback.calibration import WINDOW, Seen, calibrate, would_promise
from callback.config.model import SupervisorConfig
from callback.forecast import Measured, forecast
from callback.inputs import LineInputs, Staffed
from callback.simulate.tally import Measures

EPOCH = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
"""A Monday at midnight UTC: the simulation's time zero."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """What happens in one simulated run."""

    name: str
    start: float
    """Seconds after EPOCH the run begins (agents log in then)."""
    stop_arrivals: float
    arrival_rate: Callable[[float], float]
    """Arrivals per second at a time (seconds after EPOCH)."""
    peak_rate: float
    """An upper bound of `arrival_rate`, for thinning."""
    logged_in: tuple[tuple[float, int], ...]
    """(from, agents) steps of presence, in time order."""
    talk: Callable[[Random], float]
    patience: float | None
    """Mean exponential patience of callers on hold (s); None: nobody abandons."""
    wrap_up: float = 0.0
    callback_share: float = 0.0
    no_answer: float = 0.0
    ring: float = 30.0
    backoff: float = 300.0
    warmup: float = 1800.0
    floor: bool = False
    """Whether the exact M/M/c+M law (the information floor) applies."""


@dataclass(slots=True)
class Outcome:
    """One person's announcement and what happened."""

    wait: float
    low: float
    high: float
    by: float
    callback: bool = False
    at: float = 0.0
    floor_mean: float = math.nan
    floor_var: float = math.nan
    actual: float | None = None
    """Seconds until an agent reached them; None: they gave up (or were never reached)."""
    virtual: float | None = None
    """Seconds until an agent would have reached them had they stayed (equal to `actual`
    for those who stayed): abandoning does not change the line ahead, so it is known."""


@dataclass(slots=True)
class _Item:
    arrived: float
    callback: bool
    outcome: Outcome | None
    gone: bool = False
    misses: int = 0


@dataclass
class Sim:
    """The event loop; `run` returns every recorded outcome."""

    scenario: Scenario
    config: SupervisorConfig
    queue: str
    seed: int
    rng: Random = field(init=False)
    events: list[tuple[float, int, str, int]] = field(default_factory=list)
    waiting: list[tuple[float, int]] = field(default_factory=list)
    items: dict[int, _Item] = field(default_factory=dict)
    backoff: dict[int, float] = field(default_factory=dict)
    free: int = 0
    busy: int = 0
    wraps: dict[int, float] = field(default_factory=dict)
    pending: dict[int, float] = field(default_factory=dict)
    leaving: int = 0
    ghosts: int = 0
    """Those who gave up but stay in `waiting` until their virtual turn, taking no agent."""
    stats: Measures = field(default_factory=Measures)
    outcomes: list[Outcome] = field(default_factory=list)
    seq: int = 0
    calibrate: bool = True
    """Feed the judged announcements back as the product does (`callback.calibration`)."""
    seen: dict[bool, deque[Seen]] = field(default_factory=dict)
    """The latest judged announcements per kind (callback or not), as the store keeps them."""
    learned: tuple[float, Measured] | None = None

    def __post_init__(self) -> None:
        self.rng = Random(self.seed)
        self.seen = {kind: deque(maxlen=WINDOW) for kind in (False, True)}

    def _measured(self, now: float) -> Measured:
        """The measured figures, re-read after `TTL` seconds as the webhooks' cache does."""
        if self.learned is None or now - self.learned[0] >= TTL:
            measured = self.stats.read()
            if self.calibrate:
                live = calibrate(self.seen[False], told=False)
                measured = replace(measured, live=live, callbacks=calibrate(self.seen[True]))
            self.learned = (now, measured)
        return self.learned[1]

    def at(self, time: float, kind: str, ref: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.events, (time, self.seq, kind, ref))

    def run(self) -> list[Outcome]:
        """Simulate until the line is empty after the last arrival."""
        sc = self.scenario
        for moment, agents in sc.logged_in:
            self.at(moment, "staff", agents)
        self.at(sc.start + self.rng.expovariate(sc.peak_rate), "arrive")
        while self.events:
            time, _, kind, ref = heapq.heappop(self.events)
            getattr(self, f"_{kind}")(time, ref)
        return self.outcomes

    def _staff(self, now: float, agents: int) -> None:
        logged = self.free + self.busy + len(self.wraps) - self.leaving
        if agents >= logged:
            cancelled = min(self.leaving, agents - logged)
            self.leaving -= cancelled
            self.free += agents - logged - cancelled
        else:
            drop = logged - agents
            off = min(self.free, drop)
            self.free -= off
            self.leaving += drop - off
        self._dispatch(now)

    def _arrive(self, now: float, _: int) -> None:
        sc = self.scenario
        if now >= sc.stop_arrivals:
            return
        self.at(now + self.rng.expovariate(sc.peak_rate), "arrive")
        if self.rng.random() * sc.peak_rate > sc.arrival_rate(now):
            return  # thinned: the rate is lower now than at its peak
        callback = self.rng.random() < sc.callback_share
        ident = self.seq
        record = now >= sc.start + sc.warmup
        outcome = self._predict(now, callback) if record else None
        self.items[ident] = _Item(now, callback, outcome)
        insort(self.waiting, (now, ident))
        if not callback and sc.patience is not None:
            self.at(now + self.rng.expovariate(1.0 / sc.patience), "abandon", ident)
        self._dispatch(now)

    def _predict(self, now: float, callback: bool) -> Outcome:
        items = self.items
        line = LineInputs(
            ahead=len(self.waiting) - self.ghosts,
            on_hold=sum(1 for _, i in self.waiting if not (items[i].callback or items[i].gone)),
            returning=tuple(EPOCH + timedelta(seconds=due) for due in self.backoff.values()),
            staffed=Staffed(
                self.free + self.busy + len(self.wraps),
                self.free,
                tuple(sorted(EPOCH + timedelta(seconds=end) for end in self.wraps.values())),
            ),
            callback=callback,
        )
        moment = EPOCH + timedelta(seconds=now)
        queue = self.config.queues[self.queue]
        policy = self.config.callback_policy(self.queue)
        estimate = forecast(queue, policy, line, self._measured(now), moment).estimate
        assert estimate is not None, "the bench's queues are always staffed"
        outcome = Outcome(
            estimate.wait.total_seconds(),
            estimate.low.total_seconds(),
            estimate.high.total_seconds(),
            (estimate.by - moment).total_seconds(),
            callback,
            now,
        )
        if self.scenario.floor:
            outcome.floor_mean, outcome.floor_var = self._floor(line)
        return outcome

    def _floor(self, line: LineInputs) -> tuple[float, float]:
        """The exact mean and variance of the wait in an M/M/c+M line with `line.ahead` ahead."""
        if self.free:
            return 0.0, 0.0
        sc = self.scenario
        servers = self.busy
        mu = 1.0 / MEAN_TALK
        theta = 0.0 if sc.patience is None else 1.0 / sc.patience
        mean = var = 0.0
        for i in range(line.ahead, -1, -1):
            rate = servers * mu + i * theta
            mean += 1.0 / rate
            var += 1.0 / (rate * rate)
        return mean, var

    def _abandon(self, now: float, ident: int) -> None:
        item = self.items[ident]
        if item.gone:
            return
        item.gone = True
        self.ghosts += 1
        self.stats.abandoned += 1
        self.stats.exposure += now - item.arrived

    def _due(self, _: float, ident: int) -> None:
        self.backoff.pop(ident)
        insort(self.waiting, (self.items[ident].arrived, ident))
        self._dispatch(_)

    def _dispatch(self, now: float) -> None:
        while self.free and self.waiting:
            _, ident = self.waiting.pop(0)
            item = self.items[ident]
            if item.gone:  # a ghost's turn: it would have been served now
                self.ghosts -= 1
                if item.outcome is not None:
                    item.outcome.virtual = now - item.arrived
                    self.outcomes.append(item.outcome)
                continue
            self.free -= 1
            self.busy += 1
            self._serve(now, ident)

    def _serve(self, now: float, ident: int) -> None:
        sc, item = self.scenario, self.items[ident]
        self.stats.dials += item.callback
        if item.callback and self.rng.random() < sc.no_answer:
            self.stats.unanswered += 1
            self._occupy(now, sc.ring, 0.0)
            item.misses += 1
            if item.misses >= MAX_ATTEMPTS:
                item.gone = True  # given up on after the last try: never reached
                return
            self.backoff[ident] = now + sc.ring + sc.backoff
            self.at(now + sc.ring + sc.backoff, "due", ident)
            return
        item.gone = True
        if not item.callback:
            self.stats.exposure += now - item.arrived
        if item.outcome is not None:
            item.outcome.actual = item.outcome.virtual = now - item.arrived
            self.outcomes.append(item.outcome)
            self._judge(item.outcome, now - item.arrived)
        self._occupy(now, sc.talk(self.rng), sc.wrap_up)

    def _judge(self, told: Outcome, actual: float) -> None:
        """Keep the announcement beside the wait that followed (the reached only: the store
        cannot know how long those who gave up would have waited)."""
        promise = told.by
        if not told.callback:  # told no clock time: judged by what the high would promise
            promise = would_promise(EPOCH + timedelta(seconds=told.at), told.high)
        self.seen[told.callback].append(Seen(told.wait, told.low, told.high, promise, actual))

    def _occupy(self, now: float, talk: float, wrap: float) -> None:
        self.stats.attempts += 1
        self.stats.occupied += talk + wrap
        self.seq += 1
        agent = self.seq
        self.at(now + talk, "ended", agent)
        self.pending[agent] = now + talk + wrap  # presence learns it only when the call ends

    def _ended(self, now: float, agent: int) -> None:
        end = self.pending.pop(agent)
        self.busy -= 1
        if end > now:
            self.wraps[agent] = end
            self.at(end, "wrapped", agent)
            return
        self._release(now)

    def _wrapped(self, now: float, agent: int) -> None:
        del self.wraps[agent]
        self._release(now)

    def _release(self, now: float) -> None:
        if self.leaving:
            self.leaving -= 1
        else:
            self.free += 1
        self._dispatch(now)


TTL = 30.0
"""Seconds the measured figures are reused (`webhooks.measured.TTL`)."""
MAX_ATTEMPTS = 3
"""Tries of a callback before it is given up on (the policy's default)."""
MEAN_TALK = 300.0
"""Mean talk time of the stationary cells (s): the floor's service rate."""
