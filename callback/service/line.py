"""The line of a queue as every channel reads it: positions, the forecast, the promise.

The live line is the callbacks due in the store plus the callers holding in line
(`held_call`), ordered as the dispatcher serves them (`callback.store.places`). Every
channel's position and estimate come from one function, `outlook_of`, over that line: the
IVR welcome, the hold rounds, the web before asking, the booking's promise, the status
link and the SMS. Its inputs: those ahead and how many of them are on hold (only they may
give up), the retries waiting out a backoff, the agents logged in now (presence) and, for
a callback, its own no-answer risk.

Before asking, every channel quotes a newcomer's *callback* figure (with the no-answer
risk), the offer on the table: booking a moment later promises exactly that, and a caller
who holds instead only hears better figures on hold, never worse ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.forecast import Forecast, Measured, forecast
from callback.inputs import LineInputs, Staffed
from callback.ordering import Position
from callback.request import Promise
from callback.service.ports import Measurements, Presence, Returns
from callback.store.calls import CallStore
from callback.store.held_line import IN_LINE, HeldCaller
from callback.store.places import Place, Places
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


@dataclass(frozen=True, slots=True)
class Figures:
    """The forecast's inputs that are not the line itself: who works, what was measured."""

    back: tuple[datetime, ...]
    """When the retries ahead (waiting out a backoff) are due back."""
    agents: Staffed | None
    measured: Measured


def outlook_of(
    config: SupervisorConfig,
    queue: QueueName,
    position: Position,
    figures: Figures,
    now: datetime,
    *,
    callback: bool,
) -> Forecast:
    """The one forecast of every channel: whoever stands at `position` in `queue`'s line,
    a callback (its own no-answer risk counts) or a caller on hold."""
    back, agents = figures.back, figures.agents
    line = LineInputs(position.ahead, position.on_hold, back, agents, callback=callback)
    return forecast_for(config, queue, line, figures.measured, now)


def promise_for(estimate: Estimate, now: datetime) -> Promise:
    """The promise made when `estimate` is announced at `now`, to store on the request."""
    return Promise(
        announced_at=now, wait=estimate.wait, low=estimate.low, high=estimate.high, by=estimate.by
    )


@dataclass(frozen=True, slots=True)
class Standing:
    """Where someone stands in the one line now: the position and its forecast."""

    position: Position
    forecast: Forecast


@dataclass(frozen=True, slots=True)
class Line:
    """Reads of the live line: positions and forecasts of newcomers, requests, callers on hold."""

    store: QueueStore
    calls: CallStore
    measured: Measurements
    presence: Presence
    returns: Returns

    @property
    def places(self) -> Places:
        """Places in the line, read from the store."""
        return Places(self.store.engine)

    def newcomer(
        self,
        queue: QueueName,
        now: datetime,
        *,
        priority: int,
        virtual_start: datetime | None = None,
    ) -> Position:
        """The place someone of `priority` joining at `virtual_start` (default: now) would
        take: behind everyone of their key."""
        place = Place(queue, priority, now if virtual_start is None else virtual_start)
        ahead = self.places.ahead(place, now)
        return Position(ahead.total, on_hold=ahead.on_hold)

    def figures(
        self, config: SupervisorConfig, queue: QueueName, now: datetime, request: RequestId | None
    ) -> Figures:
        """The forecast's other inputs for the request `request` (None: anyone else)."""
        if request is None:
            back = self.returns.get(queue, now)
        else:
            back = self.store.returning(queue, now, request)
        agents = self.presence.get(config, queue, now)
        return Figures(back, agents, self.measured.get(queue, now))

    def outlook(
        self,
        config: SupervisorConfig,
        queue: QueueName,
        position: Position,
        now: datetime,
        *,
        callback: bool = True,
        request: RequestId | None = None,
    ) -> Forecast:
        """`outlook_of` for `position` (for the stored request `request`, if named)."""
        figures = self.figures(config, queue, now, request)
        return outlook_of(config, queue, position, figures, now, callback=callback)

    def forecast(
        self,
        config: SupervisorConfig,
        queue: QueueName,
        now: datetime,
        ahead: int | None = None,
        *,
        on_hold: int | None = None,
    ) -> Forecast:
        """A newcomer's callback forecast (what the web quotes before asking); or, with
        `ahead`, that of someone with `ahead` before them, `on_hold` of whom hold."""
        if ahead is None:
            return self.asking(config, queue, now).forecast
        figures = self.figures(config, queue, now, None)
        line = LineInputs(ahead, on_hold, figures.back, figures.agents)
        return forecast_for(config, queue, line, figures.measured, now)

    def asking(self, config: SupervisorConfig, queue: QueueName, now: datetime) -> Standing:
        """Where someone asking for a callback in `queue` now would stand (behind everyone of
        the queue's priority), and the figure booking would promise them."""
        position = self.newcomer(queue, now, priority=config.queues[queue].priority)
        return Standing(position, self.outlook(config, queue, position, now))

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
        estimate)."""
        if position is None:
            return None
        return self.outlook(config, queue, position, now, request=request).estimate

    def held(self, config: SupervisorConfig, caller: HeldCaller, now: datetime) -> Standing | None:
        """A caller on hold's place, explained if worse than last announced, and forecast;
        None once they are out of the line (offered to an agent, served, gone)."""
        if caller.state not in IN_LINE:
            return None
        place = Place(caller.queue, caller.priority, caller.virtual_start, held_id=caller.id)
        position = self.places.held(place, caller.call_sid, now)
        return Standing(position, self.outlook(config, caller.queue, position, now, callback=False))
