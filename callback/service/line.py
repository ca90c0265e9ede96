"""The line of a queue as every channel reads it: its length, the forecast, the promise.

The live line is the callbacks due in the store plus the callers on hold that we track
by CallSid, since both wait for the same agents. The forecast's inputs are gathered here:
the agents logged in now (presence), the retries waiting out a backoff, how many of those
ahead are on hold (only they may give up) and, for a request, its own no-answer risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.forecast import Forecast, Measured, forecast
from callback.inputs import LineInputs
from callback.ordering import Position
from callback.request import Promise
from callback.service.ports import Measurements, Presence, Returns
from callback.store.calls import CallStore
from callback.store.queue import QueueStore
from callback.store.records import QueueCounts
from callback.types import QueueName, RequestId


def length_of(counts: QueueCounts | None, on_hold: int) -> int:
    """Callbacks due plus callers on hold: both wait for the same agents."""
    return (counts.due if counts is not None else 0) + on_hold


def forecast_for(
    config: SupervisorConfig, queue: QueueName, line: LineInputs, measured: Measured, now: datetime
) -> Forecast:
    """The forecast for someone standing at `line` in `queue`."""
    return forecast(config.queues[queue], config.callback_policy(queue), line, measured, now)


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
    presence: Presence
    returns: Returns

    def newcomer(self, queue: QueueName, now: datetime) -> tuple[int, int]:
        """The line a newcomer joins and how many of it are callers on hold (who may give up)."""
        on_hold = self.calls.on_hold(queue)
        return length_of(self.store.counts(now).get(queue), on_hold), on_hold

    def length(self, queue: QueueName, now: datetime) -> int:
        """Callbacks due plus callers on hold in `queue`: the line a newcomer joins."""
        return self.newcomer(queue, now)[0]

    def forecast(
        self,
        config: SupervisorConfig,
        queue: QueueName,
        now: datetime,
        ahead: int | None = None,
        *,
        on_hold: int | None = None,
        callback: RequestId | None = None,
    ) -> Forecast:
        """The forecast for a newcomer (or for someone with `ahead` before them, `on_hold` of
        whom are callers on hold); for the request `callback`, its retries ahead and its own
        no-answer risk."""
        if ahead is None:
            ahead, on_hold = self.newcomer(queue, now)
        if callback is None:
            back = self.returns.get(queue, now)
        else:
            back = self.store.returning(queue, now, callback)
        agents = self.presence.get(config, queue, now)
        line = LineInputs(ahead, on_hold, back, agents, callback=callback is not None)
        return forecast_for(config, queue, line, self.measured.get(queue, now), now)

    def position(self, request_id: RequestId, now: datetime) -> Position | None:
        """The request's place in line (None: not in line)."""
        return self.store.position(request_id, now)

    def estimate(
        self,
        config: SupervisorConfig,
        queue: QueueName,
        position: Position | None,
        now: datetime,
        request: RequestId | None = None,
    ) -> Estimate | None:
        """The current estimate of the request at `position` (None: not in line, or no
        estimate); those ahead of a request in the store are callbacks, none on hold."""
        if position is None:
            return None
        forecast = self.forecast(config, queue, now, position.ahead, on_hold=0, callback=request)
        return forecast.estimate
