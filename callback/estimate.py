"""The honest wait estimate: a value, a range and a clock-time promise, from explicit inputs.

Model (a queue-length predictor with abandonment). With n requests ahead, s agents, service
rate mu = 1/mean handle and abandonment rate theta = 1/mean patience (0 when nobody
abandons), the customer moves up one place at rate s*mu + i*theta while i are ahead, and
reaches an agent at the next completion once nobody is ahead. The wait is a sum of n+1
independent exponential stages with rates r_i = s*mu + i*theta, i = n..0:

    mean = sum_i 1/r_i            variance = sum_i 1/r_i**2

With theta = 0 and constant s that is (n+1)/(s*mu).

The staffing plan makes s a function of time: `agents_now` holds until the end of the
plan segment containing `now`, the planned agents after that, and past the plan's end the
last staffed level continues. Each stage consumes one unit of cumulative hazard
integral(r(t) dt), so a stage that straddles a segment boundary finishes at the new rate.
(Fixing s at the stage's start instead would let one more request ahead *shorten* the
wait, by pushing a slow stage into a better staffed segment.) Nobody moves while no agent
is planned: closed time is skipped whole, even by those who might abandon, because
patience is measured while the line moves. Each stage adds integral(dh / r) to the mean
and integral(dh / r**2) to the variance, which is exact while r is constant.

Range: closed time is a fixed shift; the moving part is fitted by a gamma distribution
with the same mean m and variance v (shape k = m**2/v), and low/high are its 10th/90th
percentiles by the Wilson-Hilferty cube-root approximation:

    q(z) = m * (1 - 1/(9k) + z*sqrt(1/(9k)))**3,   z = -/+1.2816

Only those ahead who can abandon (callers on hold) leave early: the abandonment rate per
person ahead is theta times their share of the line. A callback's own estimate adds its
chance p of not answering times the delay d the retry then costs (mean + p*d), and its
range is that of the two-humped law (W with chance 1-p, W + d with chance p): for a
callback, the no-answer risk is most of the wait's spread. Where the policy allows a third
try, the second retry's delay d2 follows with chance p**2 (W + d with p*(1-p), W + d + d2
with p**2; `callback.mixture`).

The 10th and 90th percentiles and the promise's level (the range's high unless told) can
be replaced by levels learned from how past announcements fared (`quantiles`, from
`callback.calibration`): the gamma, or the retry's humps, are read at those levels.

An agent on a call frees nobody before the wrap-up that follows it: when presence tells
who is on a call, the first of them frees `wrap` after a call ends, then they free at
about their talk rate (s/T, T = handle - wrap). For the n-th place freed by s agents on a
call that is wrap + n*T/s against the pooled model's n*(T + wrap)/s, so the wait gets the
fixed shift `dead` = wrap * (1 - n/s) while n < s (zero beyond: by then they cycle at the
pooled rate).

A sum of exponential stages is right-skewed and never negative; a gamma keeps both
properties, where a normal would be symmetric and reach below zero for a short line.
While each stage keeps one rate, k >= 1 (as (sum a_i)**2 >= sum a_i**2 for positive a_i),
where the approximation is within a few per cent (worst at the 10th percentile of a
single exponential stage, about 7% low).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import inf, sqrt

from callback.calibration import Levels
from callback.mixture import P10, P90, Retry, hump_at, quantile, retry_delay, retry_spread

_Z90 = 1.2815515655446004
"""The standard normal 90th percentile."""
_GRID = timedelta(minutes=1)
"""The promise is the 90th percentile rounded up to the next minute of the clock: tuned
with `python -m bench.estimate_accuracy` (kept for 98-99% of people in the stationary
cells, the median person reached under two minutes before it; five-minute rounding kept
99.5% but reached people 2.5-3.5 minutes early)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


_Walk = tuple[float, float, float]
"""Seconds until an agent, closed seconds skipped on the way, and the variance (s**2)."""


class NoAgentsError(ValueError):
    """Nobody works now and nobody is planned: no wait can honestly be promised."""


def _check_aware(name: str, moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


@dataclass(frozen=True, slots=True)
class EstimateInputs:
    """Everything the estimate needs; `staffing` segments must be in time order."""

    ahead: int
    now: datetime
    agents_now: int
    mean_handle: timedelta
    mean_patience: timedelta | None
    staffing: Sequence[tuple[datetime, datetime, int]] = ()
    closes_at: datetime | None = None
    abandoning: int | None = None
    """How many of those ahead can abandon (callers on hold); None: all of them."""
    retry: Retry | None = None
    """The customer's own chance of not answering and the delays its retries then add."""
    dead: float = 0.0
    """Seconds before the agents on a call free anyone: the wrap-up that follows each call."""
    quantiles: Levels | None = None
    """The range's and the promise's levels learned from past announcements (None: 10-90)."""

    def __post_init__(self) -> None:
        if self.ahead < 0:
            raise ValueError(f"ahead must be >= 0, got {self.ahead}")
        if self.agents_now < 0:
            raise ValueError(f"agents_now must be >= 0, got {self.agents_now}")
        if self.mean_handle <= timedelta(0):
            raise ValueError(f"mean_handle must be positive, got {self.mean_handle}")
        if self.mean_patience is not None and self.mean_patience <= timedelta(0):
            raise ValueError(f"mean_patience must be positive or None, got {self.mean_patience}")
        _check_aware("now", self.now)
        if self.closes_at is not None:
            _check_aware("closes_at", self.closes_at)
        if self.abandoning is not None and not 0 <= self.abandoning <= self.ahead:
            raise ValueError(f"abandoning must be within 0..ahead, got {self.abandoning}")
        if self.dead < 0:
            raise ValueError(f"dead must be >= 0, got {self.dead}")
        if self.retry is not None and not 0.0 <= self.retry[0] < 1.0:
            raise ValueError(f"the no-answer chance must be within [0, 1), got {self.retry[0]}")


@dataclass(frozen=True, slots=True)
class Estimate:
    """An announced wait: expected value, range, and the clock time it is promised by."""

    wait: timedelta
    low: timedelta
    high: timedelta
    by: datetime
    before_close: bool
    servers: int


def _timeline(inputs: EstimateInputs, now: datetime) -> tuple[list[float], list[int]]:
    """Span ends (seconds from now, the last infinite) and the agents working in each span."""
    # Called on every webhook: plain float lists, no per-span objects.
    ends: list[float] = []
    levels: list[int] = []
    cursor = 0.0
    level = inputs.agents_now
    previous_end: datetime | None = None
    for start, end, agents in inputs.staffing:
        end_s = (end - now).total_seconds()
        if end_s <= cursor:
            continue
        # Contiguous segments (the usual case) need no start. The fold test keeps two
        # readings of a repeated hour in one zone, equal as wall times, apart.
        if start != previous_end or start.fold != previous_end.fold:
            start_s = (start - now).total_seconds()
            if start_s > cursor:
                ends.append(start_s)
                levels.append(level)
                cursor = start_s
        ends.append(end_s)
        levels.append(agents if cursor > 0 else inputs.agents_now)
        cursor, level, previous_end = end_s, 0, end
    ends.append(inf)
    levels.append(_last_staffed(levels, level))
    return ends, levels


def _last_staffed(levels: list[int], fallback: int) -> int:
    """The level that continues past the plan's horizon: its last one with agents."""
    for agents in reversed(levels):
        if agents:
            return agents
    if not fallback:
        raise NoAgentsError("no agents now and none in the staffing plan")
    return fallback


def _first_staffed(levels: list[int]) -> int:
    """The agents of the first span with any: those the customer starts with."""
    for agents in levels:
        if agents:
            return agents
    raise AssertionError("unreachable: the timeline ends with a staffed span")


def _walk_pooled(need: float, mu: float, ends: list[float], levels: list[int]) -> _Walk:
    """Without abandonment every stage has the same rate: walk the hazard in bulk."""
    t = closed = var = 0.0
    for end, level in zip(ends, levels, strict=True):
        if not level:
            closed += end - t
        else:
            rate = level * mu
            if need <= (end - t) * rate:
                return t + need / rate, closed, var + need / (rate * rate)
            var += (end - t) / rate
            need -= (end - t) * rate
        t = end
    raise AssertionError("unreachable: the timeline ends with an infinite staffed span")


def _walk_stages(
    ahead: int, mu: float, theta: float, ends: list[float], levels: list[int]
) -> _Walk:
    """Stage by stage: the rate s*mu + i*theta falls as the i ahead of the customer leave."""
    t = closed = var = 0.0
    span = 0
    end, base = ends[0], levels[0] * mu
    for i in range(ahead, -1, -1):
        if base:
            step = 1.0 / (base + i * theta)
            if t + step <= end:  # the usual case, kept inline: the stage ends in its span
                t += step
                var += step * step
                continue
        t, closed, var, span = _cross(i * theta, mu, ends, levels, span, (t, closed, var))
        end, base = ends[span], levels[span] * mu
    return t, closed, var


def _cross(
    leaving: float, mu: float, ends: list[float], levels: list[int], span: int, walk: _Walk
) -> tuple[float, float, float, int]:
    """One stage that runs past the end of its span, at each span's rate in turn."""
    t, closed, var = walk
    need = 1.0
    while True:
        end, level = ends[span], levels[span]
        if level:
            rate = level * mu + leaving
            if need <= (end - t) * rate:
                return t + need / rate, closed, var + need / (rate * rate), span
            var += (end - t) / rate
            need -= (end - t) * rate
        else:
            closed += end - t
        t = end
        span += 1


def _spread(moving: float, var: float) -> tuple[float, float]:
    """10th and 90th percentiles of a gamma with mean `moving` and variance `var`."""
    c = var / (9.0 * moving * moving)
    root = _Z90 * sqrt(c)
    low = max(0.0, 1.0 - c - root)
    high = 1.0 - c + root
    return moving * low * low * low, moving * high * high * high


def _promise(now: datetime, high: timedelta) -> datetime:
    """`now` (UTC) + `high`, rounded up to the next minute of the clock."""
    instant = now + high
    excess = (instant - _EPOCH) % _GRID
    return instant + (_GRID - excess) if excess else instant


def _leaving_rate(inputs: EstimateInputs) -> float:
    """Abandonment rate per person ahead: only the share of them who can abandon leaves."""
    if inputs.mean_patience is None or not inputs.ahead:
        return 0.0
    share = 1.0 if inputs.abandoning is None else inputs.abandoning / inputs.ahead
    return share / inputs.mean_patience.total_seconds()


def fixed_wait(
    now: datetime,
    wait: timedelta,
    closes_at: datetime | None,
    servers: int,
    retry: Retry | None = None,
) -> Estimate:
    """A wait known in advance (a free agent now, or one whose wrap-up ends then), plus a
    callback's own retries: the wait with chance 1-p, the wait plus a retry's delay else."""
    low = high = mean = wait
    if retry is not None:
        mean = wait + timedelta(0, retry_delay(retry))
        low = wait + timedelta(0, hump_at(retry, P10)[0])
        high = wait + timedelta(0, hump_at(retry, P90)[0])
    by = _promise(now.astimezone(UTC), high)
    return Estimate(
        wait=mean,
        low=low,
        high=high,
        by=by.astimezone(now.tzinfo),
        before_close=closes_at is None or by <= closes_at,
        servers=servers,
    )


def _range(moving: float, var: float, inputs: EstimateInputs) -> tuple[float, float, float | None]:
    """The range's low and high and the promise's quantile (None: the range's high)."""
    levels = inputs.quantiles
    if levels is None:
        if inputs.retry is None:
            return (*_spread(moving, var), None)
        low, high = retry_spread(moving, var, inputs.retry)
        return low, high, None
    if inputs.retry is None:
        low = quantile(moving, var, levels.low)
        high = quantile(moving, var, levels.high)
        return low, high, quantile(moving, var, levels.promise)
    low, high, promised = retry_spread(
        moving, var, inputs.retry, (levels.low, levels.high, levels.promise)
    )
    return low, high, promised


def estimate_wait(inputs: EstimateInputs) -> Estimate:
    """The expected wait of a customer with `inputs.ahead` requests ahead, with its range."""
    now = inputs.now.astimezone(UTC)  # aware arithmetic within one zone would ignore DST
    ends, levels = _timeline(inputs, now)
    mu = 1.0 / inputs.mean_handle.total_seconds()
    theta = _leaving_rate(inputs)
    if not theta:
        wait, closed, var = _walk_pooled(inputs.ahead + 1.0, mu, ends, levels)
    else:
        wait, closed, var = _walk_stages(inputs.ahead, mu, theta, ends, levels)
    wait += inputs.dead
    closed += inputs.dead  # a fixed shift, as closed time is
    low, high, promised = _range(wait - closed, var, inputs)
    if inputs.retry is not None:
        wait += retry_delay(inputs.retry)
    low, high = closed + low, closed + high
    if inputs.quantiles is not None and inputs.quantiles.shift:
        # A learned bias moves the expected wait (never below none); the range and the
        # promise have their own learned levels.
        wait = max(wait + inputs.quantiles.shift, 0.0)
    high_td = timedelta(0, high)  # positional: measurably faster than seconds=
    # Compared in UTC: one zone's repeated hour compares by wall.
    by = _promise(now, high_td if promised is None else timedelta(0, closed + promised))
    return Estimate(
        wait=timedelta(0, wait),
        low=timedelta(0, low),
        high=high_td,
        by=by.astimezone(inputs.now.tzinfo),
        before_close=inputs.closes_at is None or by <= inputs.closes_at,
        servers=_first_staffed(levels),
    )
