"""What a queue can promise a newcomer right now: open or not, the estimate, the offer.

Glue between the supervisor's config and the pure estimate: the staffing plan gives the
agents, the hours give the closing time, and measured statistics replace the priors as
soon as enough calls have been seen.

The plan's segments only change with the config and the day, so each (plan, local date)
is computed once (`day_segments`, keyed on the immutable plan: a reloaded config brings a
new one) and every call clips it to its own eight days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter

from callback.calibration import Levels
from callback.config.policy import CallbackPolicy
from callback.config.queue import QueueConfig
from callback.estimate import Estimate, EstimateInputs, NoAgentsError, estimate_wait
from callback.inputs import LineInputs, Present, counting_returns
from callback.mixture import Retry
from callback.opening import OpeningCache
from callback.plan import Segment, StaffingPlan

NEVER = timedelta(days=1)
"""A mean patience longer than this is "nobody abandons"."""
HORIZON = timedelta(days=8)
"""How far ahead the staffing plan is read: past a long weekend or a holiday week."""
PRIOR_WEIGHT = 20
"""How many measured calls the configured handle-time prior is worth when blending."""
DAYS_KEPT = 64
"""(plan, day) pairs whose segments are kept: a few queues over a few days and reloads."""
_SLACK = timedelta(hours=2)
"""Before a day's first instant, whatever its zone's offset or a jump at midnight."""
_SPAN = HORIZON + timedelta(days=2)
"""From the slack before a day to past the horizon of its last instant (a day is <= 25 h)."""


@dataclass(frozen=True, slots=True)
class Measured:
    """Handle time per dial attempt and per hold offer, and patience, from recent history."""

    attempts: int = 0
    mean_handle: timedelta | None = None
    """The agent's occupation per attempt: ringing, talk and wrap-up."""
    abandoned: int = 0
    exposure: timedelta = timedelta(0)
    unanswered: int = 0
    """Callback dials the customer did not answer (no answer, busy, machine)."""
    dials: int = 0
    """Callback dials among the attempts: the base of the no-answer chance."""
    offers: int = 0
    """Callers on hold put through to an agent (each offer, answered or not)."""
    live_handle: timedelta | None = None
    """The agent's occupation per offer of a caller on hold: ringing, talk and wrap-up."""
    live: Levels | None = None
    """The range's and the promise's levels learned from callers on hold (None: 10-90)."""
    callbacks: Levels | None = None
    """The same, learned from callbacks."""


@dataclass(frozen=True, slots=True)
class Forecast:
    """A queue's state for someone joining it now."""

    open: bool
    next_opening: datetime | None
    closes_at: datetime | None
    """The end of the open period the customer can be served in (today's, or the next)."""
    estimate: Estimate | None
    offer_callback: bool


@dataclass(frozen=True, slots=True)
class Handles:
    """Mean agent occupation per item, in seconds: a callback's, a live caller's, and that of
    an item of either kind (the figures pooled, as agents serve them)."""

    callback: float
    live: float
    pooled: float
    uniform: timedelta | None = None
    """The one figure when the three agree (one kind or none measured): no mix to weigh."""

    def ahead(self, ahead: int, on_hold: int | None) -> timedelta:
        """The mean occupation per stage for someone with `ahead` before them, `on_hold` of
        whom are callers on hold (None: kinds unknown): each item ahead at its kind's
        figure, and the completion that frees an agent for them at the pooled one."""
        if self.uniform is not None:
            return self.uniform
        if on_hold is None:
            return timedelta(seconds=self.pooled)
        calls = ahead - on_hold
        total = on_hold * self.live + calls * self.callback + self.pooled
        return timedelta(seconds=total / (ahead + 1))


def handles(policy: CallbackPolicy, measured: Measured) -> Handles:
    """Each kind's measured mean, pulled toward the other kind's figure (itself pulled toward
    the prior) while few of its own are measured; with one kind unmeasured, all three are
    the other kind's blend with the prior, as when nobody measured the kinds apart."""
    return _handles(policy.handle_time_prior, measured)


@lru_cache(maxsize=DAYS_KEPT)
def _handles(prior_handle: timedelta, measured: Measured) -> Handles:
    # Cached: the measured figures change every few seconds at most, forecasts far oftener.
    prior = prior_handle.total_seconds() * PRIOR_WEIGHT
    calls, live = measured.attempts, measured.offers
    call_s = measured.mean_handle.total_seconds() * calls if calls and measured.mean_handle else 0.0
    live_s = measured.live_handle.total_seconds() * live if live and measured.live_handle else 0.0
    calls, live = (calls if call_s else 0), (live if live_s else 0)
    callback_only = (prior + call_s) / (PRIOR_WEIGHT + calls)
    live_only = (prior + live_s) / (PRIOR_WEIGHT + live)
    callback = (live_only * PRIOR_WEIGHT + call_s) / (PRIOR_WEIGHT + calls)
    pooled = (prior + call_s + live_s) / (PRIOR_WEIGHT + calls + live)
    if not (calls and live):
        return Handles(pooled, pooled, pooled, timedelta(seconds=pooled))
    live_mean = (callback_only * PRIOR_WEIGHT + live_s) / (PRIOR_WEIGHT + live)
    return Handles(callback, live_mean, pooled)


def blended_handle(policy: CallbackPolicy, measured: Measured) -> timedelta:
    """A callback's mean handle time, pulled toward the prior while few calls are measured."""
    return timedelta(seconds=handles(policy, measured).callback)


def blended_patience(policy: CallbackPolicy, measured: Measured) -> timedelta | None:
    """Mean patience: exposure over abandonments (exponential MLE); None when nobody leaves.

    The prior is one customer's worth of pseudo-exposure (one abandonment after `prior`
    seconds), so it fades as soon as real exposure accumulates: a line where nobody
    abandons converges to "nobody abandons" instead of staying pinned to the prior.
    """
    prior = policy.patience_prior
    if prior is None or not policy.abandonment:
        return None
    if measured.exposure <= timedelta(0):
        return prior
    rate = (1 + measured.abandoned) / (prior + measured.exposure).total_seconds()
    return None if rate * NEVER.total_seconds() < 1 else timedelta(seconds=1 / rate)


def no_answer(policy: CallbackPolicy, measured: Measured) -> tuple[float, timedelta] | None:
    """A callback's chance of not answering (one pseudo-answer as prior) and the retry's delay."""
    if not measured.dials or policy.max_attempts < 2:
        return None
    chance = measured.unanswered / (measured.dials + 1)
    return (chance, policy.ring_timeout + policy.backoff[0]) if chance else None


def retries(policy: CallbackPolicy, measured: Measured) -> Retry | None:
    """`no_answer`, with the second retry's delay when the policy allows a third try."""
    first = no_answer(policy, measured)
    if first is None or policy.max_attempts < 3:
        return first
    backoff = policy.backoff[1] if len(policy.backoff) > 1 else policy.backoff[0]
    return (*first, policy.ring_timeout + backoff)


def dead_time(wrap: float, place: int, on_call: int) -> float:
    """Seconds the `place`-th freed by `on_call` agents on a call waits beyond the pooled rate:
    none frees before its wrap-up, then they free at their talk rate (`callback.estimate`)."""
    if place >= on_call:
        return 0.0
    return wrap * (1.0 - place / on_call)


def forecast(
    queue: QueueConfig,
    policy: CallbackPolicy,
    ahead: int | LineInputs,
    measured: Measured,
    now: datetime,
) -> Forecast:
    """The forecast for the (ahead + 1)-th in line of `queue` at `now`: one for every channel."""
    line = ahead if isinstance(ahead, LineInputs) else LineInputs(ahead)
    hours = OPENING.hours(queue.schedule(), now)
    is_open, next_opening, closing = hours.open, hours.next_opening, hours.closes_at
    cutoff = closing - policy.cutoff_before_closing if closing is not None else None
    estimate = _estimate(queue, policy, line, measured, now, cutoff, is_open)
    offer = estimate is not None and estimate.wait > policy.offer_threshold
    return Forecast(
        open=is_open,
        next_opening=next_opening,
        closes_at=closing,
        estimate=estimate,
        offer_callback=offer,
    )


def _estimate(
    queue: QueueConfig,
    policy: CallbackPolicy,
    line: LineInputs,
    measured: Measured,
    now: datetime,
    cutoff: datetime | None,
    is_open: bool,
) -> Estimate | None:
    staffing = staffing_ahead(queue.staffing_plan(), now)
    # The first segment holds `now`: the plan's agents at `now` (`agents_at` agrees).
    planned = staffing[0][2] if is_open else 0
    handle, patience = handles(policy, measured), blended_patience(policy, measured)
    retry = retries(policy, measured) if line.callback else None
    wrap = queue.wrap_up.total_seconds()
    levels = measured.callbacks if line.callback else measured.live
    # Closed now: nobody logged in serves before the opening, the plan tells who will.
    present = None
    if is_open and line.staffed is not None:
        present = Present.of(line.staffed, staffing, now)

    def at(ahead: int) -> Estimate | None:
        held = None if line.on_hold is None else min(line.on_hold, ahead)
        agents, segments, dead = planned, staffing, 0.0
        if present is not None:
            placed = present.place(ahead, held, now, cutoff, retry)
            if isinstance(placed, Estimate):
                return placed
            ahead, held, agents = placed
            segments = present.staffing
            dead = dead_time(wrap, ahead + 1, agents)
        mean = handle.ahead(ahead, held)
        inputs = EstimateInputs(
            ahead, now, agents, mean, patience, segments, cutoff, held, retry, dead, levels
        )
        try:
            return estimate_wait(inputs)
        except NoAgentsError:
            return None

    return counting_returns(at, line.ahead, line.returning, now)


def staffing_ahead(plan: StaffingPlan, now: datetime) -> tuple[Segment, ...]:
    """`plan.segments(now, now + HORIZON)`, clipped from the segments of `now`'s local day."""
    start = now.astimezone(UTC)
    segments = day_segments(plan, start.astimezone(plan.tz).date())
    until = start + HORIZON
    first = bisect_right(segments, start, key=_END)
    last = bisect_left(segments, until, key=_START)
    clipped = list(segments[first:last])
    begin, end, agents = clipped[0]
    clipped[0] = (max(begin, start), end, agents)
    begin, end, agents = clipped[-1]
    clipped[-1] = (begin, min(end, until), agents)
    return tuple(clipped)


@lru_cache(maxsize=DAYS_KEPT)
def day_segments(plan: StaffingPlan, day: date) -> tuple[Segment, ...]:
    """The plan's segments from before `day` began to past HORIZON after it ends (UTC)."""
    # The key is the plan's value, so an entry is right for any app holding an equal plan.
    first = datetime.combine(day, time(0), tzinfo=plan.tz).astimezone(UTC) - _SLACK
    return tuple(plan.segments(first, first + _SPAN))


OPENING = OpeningCache()
"""Open or not, per schedule, until its next boundary (shared like `day_segments`)."""
_START = itemgetter(0)
_END = itemgetter(1)
