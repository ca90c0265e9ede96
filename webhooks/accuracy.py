"""The estimate's accuracy today, per queue, as the supervisor's `GET /api/v1/queues` shows it.

Its own key (`estimate_accuracy`) in each queue's full view, so the rest of the view is
untouched. The figures are `callback.accuracy`'s: see there which announcements are judged.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from callback.accuracy import Accuracy, day_start
from callback.config import SupervisorConfig
from callback.store.announcements import AccuracyStore
from callback.types import QueueName
from webhooks.api.schemas import Strict

KEY = "estimate_accuracy"
"""The key of a queue's full view that holds its accuracy today."""


class AccuracyOut(Strict):
    """Announced waits against the waits that really happened."""

    count: int = Field(description="People reached (their actual wait is known)")
    gave_up: int = Field(description="People who gave up (hung up, cancelled, expired, failed)")
    bias_seconds: float | None = Field(
        description="Mean of actual minus announced wait: positive when people waited longer"
    )
    rmse_seconds: float | None = Field(description="Root mean squared error of the wait")
    promises_kept: float | None = Field(
        description="Share of clock-time promises kept (callbacks reached by the time promised)"
    )
    promises_judged: int
    inside_range: float | None = Field(
        description="Share of actual waits inside the announced 10-90% range"
    )
    ranges_judged: int


class EstimateAccuracyOut(Strict):
    """Today's accuracy (from the queue's local midnight) over the waits that ended."""

    since: datetime
    first: AccuracyOut = Field(description="One per person: the first announcement made to them")
    every: AccuracyOut = Field(description="Every announcement (each hold round, each booking)")


def accuracy_out(figure: Accuracy) -> dict[str, object]:
    """One figure as its JSON object."""
    return {
        "count": figure.count,
        "gave_up": figure.gave_up,
        "bias_seconds": figure.bias_s,
        "rmse_seconds": figure.rmse_s,
        "promises_kept": figure.promises_kept,
        "promises_judged": figure.promises_judged,
        "inside_range": figure.inside_range,
        "ranges_judged": figure.ranges_judged,
    }


def accuracy_view(
    store: AccuracyStore, config: SupervisorConfig, queue: QueueName, now: datetime
) -> dict[str, object]:
    """The queue's accuracy today, as the value of `KEY`."""
    daily = store.daily(queue, day_start(config.queues[queue].zone, now), now)
    return {
        "since": daily.since.isoformat(),
        "first": accuracy_out(daily.first),
        "every": accuracy_out(daily.every),
    }
