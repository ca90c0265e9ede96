"""The line of a queue as every channel reads it: its length, the forecast, the promise.

The live line is the callbacks due in the store plus the callers on hold that we track
by CallSid, since both wait for the same agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.forecast import Forecast, Measured, forecast
from callback.ordering import Position
from callback.request import Promise
from callback.service.ports import Measurements
from callback.store.calls import CallStore
from callback.store.queue import QueueStore
from callback.store.records import QueueCounts
from callback.types import QueueName, RequestId


def length_of(counts: QueueCounts | None, on_hold: int) -> int:
    """Callbacks due plus callers on hold: both wait for the same agents."""
    return (counts.due if counts is not None else 0) + on_hold


def forecast_for(
    config: SupervisorConfig, queue: QueueName, ahead: int, measured: Measured, now: datetime
) -> Forecast:
    """The forecast for someone with `ahead` callers before them in `queue`."""
    return forecast(config.queues[queue], config.callback_policy(queue), ahead, measured, now)


def promise_for(estimate: Estimate, now: datetime) -> Promise:
    """The promise made when `estimate` is announced at `now`, to store on the request."""
    return Promise(
        announced_at=now, wait=estimate.wait, low=estimate.low, high=estimate.high, by=estimate.by
    )


@dataclass(frozen=True, slots=True)
class Line:
    """Reads of the live line: its length, a newcomer's forecast, a request's place."""

    store: QueueStore
    calls: CallStore
    measured: Measurements

    def length(self, queue: QueueName, now: datetime) -> int:
        """Callbacks due plus callers on hold in `queue`: the line a newcomer joins."""
        return length_of(self.store.counts(now).get(queue), self.calls.on_hold(queue))

    def forecast(
        self, config: SupervisorConfig, queue: QueueName, now: datetime, ahead: int | None = None
    ) -> Forecast:
        """The forecast for a newcomer (or for someone with `ahead` callers before them)."""
        if ahead is None:
            ahead = self.length(queue, now)
        return forecast_for(config, queue, ahead, self.measured.get(queue, now), now)

    def position(self, request_id: RequestId, now: datetime) -> Position | None:
        """The request's place in line (None: not in line)."""
        return self.store.position(request_id, now)

    def estimate(
        self, config: SupervisorConfig, queue: QueueName, position: Position | None, now: datetime
    ) -> Estimate | None:
        """The current estimate of someone at `position` (None: not in line, or no estimate)."""
        if position is None:
            return None
        return self.forecast(config, queue, now, position.ahead).estimate
