"""What a queue can promise a newcomer right now: open or not, the estimate, the offer.

Glue between the supervisor's config and the pure estimate: the staffing plan gives the
agents, the hours give the closing time, and measured statistics replace the priors as
soon as enough calls have been seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.config.policy import CallbackPolicy
from callback.config.queue import QueueConfig
from callback.estimate import Estimate, EstimateInputs, NoAgentsError, estimate_wait

HORIZON = timedelta(days=8)
"""How far ahead the staffing plan is read: past a long weekend or a holiday week."""
PRIOR_WEIGHT = 20
"""How many measured calls the configured prior is worth when blending."""


@dataclass(frozen=True, slots=True)
class Measured:
    """Handle time per dial attempt and patience measured from recent history."""

    attempts: int = 0
    mean_handle: timedelta | None = None
    abandoned: int = 0
    exposure: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class Forecast:
    """A queue's state for someone joining it now."""

    open: bool
    next_opening: datetime | None
    closes_at: datetime | None
    """The end of the open period the customer can be served in (today's, or the next)."""
    estimate: Estimate | None
    offer_callback: bool


def blended_handle(policy: CallbackPolicy, measured: Measured) -> timedelta:
    """The measured mean handle time, pulled toward the prior while few calls are measured."""
    if measured.mean_handle is None or measured.attempts == 0:
        return policy.handle_time_prior
    total = policy.handle_time_prior * PRIOR_WEIGHT + measured.mean_handle * measured.attempts
    return total / (PRIOR_WEIGHT + measured.attempts)


def blended_patience(policy: CallbackPolicy, measured: Measured) -> timedelta | None:
    """Mean patience: exposure over abandonments (exponential MLE), the prior as pseudo-data."""
    prior = policy.patience_prior
    if prior is None:
        return None
    exposure = prior * PRIOR_WEIGHT + measured.exposure
    return exposure / (PRIOR_WEIGHT + measured.abandoned)


def forecast(
    queue: QueueConfig, policy: CallbackPolicy, ahead: int, measured: Measured, now: datetime
) -> Forecast:
    """The forecast for the (ahead + 1)-th in line of `queue` at `now`."""
    schedule = queue.schedule()
    is_open = schedule.is_open(now)
    next_opening = None if is_open else schedule.next_opening(now)
    # Closed now: the callback can only happen in the next open period, so that period's
    # closing is the one the promise must beat.
    opens = now if is_open else next_opening
    closing = schedule.closes_at(opens) if opens is not None else None
    cutoff = closing - policy.cutoff_before_closing if closing is not None else None
    estimate = _estimate(queue, policy, ahead, measured, now, cutoff, is_open)
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
    ahead: int,
    measured: Measured,
    now: datetime,
    cutoff: datetime | None,
    is_open: bool,
) -> Estimate | None:
    plan = queue.staffing_plan()
    inputs = EstimateInputs(
        ahead=ahead,
        now=now,
        agents_now=plan.agents_at(now) if is_open else 0,
        mean_handle=blended_handle(policy, measured),
        mean_patience=blended_patience(policy, measured),
        staffing=tuple(plan.segments(now, now + HORIZON)),
        closes_at=cutoff,
    )
    try:
        return estimate_wait(inputs)
    except NoAgentsError:
        return None
