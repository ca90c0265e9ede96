"""A hold round (Twilio's waitUrl): the caller keeps their place in the one line, hears it,
and what they heard is kept beside the wait that really happens.

Everything a round writes (the call marked on hold, the caller's place, the place
announced, what the round told) commits in one transaction. The forecast's cached figures
are read before it opens, so the write lock is held for the round's statements only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.ordering import Position, is_said
from callback.service.line import Figures, Line, Standing, outlook_of
from callback.store.announcements import Told
from callback.store.held import Joining
from callback.store.held_line import IN_LINE
from callback.store.hold_round import HoldLedger, HoldRoundStore
from callback.store.places import Place
from callback.types import QueueName

HOLD_SOURCE = "hold"
"""The source of the announcements a hold round makes."""


@dataclass(frozen=True, slots=True)
class Round:
    """One waitUrl request: the call, the queue its link names and Twilio's queue."""

    call_sid: str
    queue: QueueName
    queue_sid: str
    """Twilio's QueueSid; empty when the request has none (then no place is taken)."""
    language: str
    priority: int


@dataclass(frozen=True, slots=True)
class HoldRounds:
    """The hold round use case and its collaborators."""

    store: HoldRoundStore
    line: Line
    """The forecast's cached figures (agents, measured times, retries due back)."""

    def wait(self, config: SupervisorConfig, held: Round, now: datetime) -> Standing | None:
        """Run one round; the caller's position and forecast, or None when they are not (or
        no longer) in the line."""
        figures = self.line.figures(config, held.queue, now, None)
        return self.store.run(lambda ledger: self._round(ledger, config, held, figures, now))

    def _round(
        self,
        ledger: HoldLedger,
        config: SupervisorConfig,
        held: Round,
        figures: Figures,
        now: datetime,
    ) -> Standing | None:
        record = ledger.record(held.call_sid)
        since = record.hold_since if record is not None and record.hold_since else now
        ledger.set_hold(held.call_sid, since, now)
        if not held.queue_sid:
            return None
        arrived = record.arrived_at if record is not None else now
        caller = ledger.join(_joining(held, arrived), now)
        if caller.state not in IN_LINE:
            return None
        place = Place(caller.queue, caller.priority, caller.virtual_start, held_id=caller.id)
        position = ledger.position(place, caller.call_sid, now)
        if caller.queue != held.queue:  # moved by a config edit: its own line's figures
            figures = self.line.figures(config, caller.queue, now, None)
        forecast = outlook_of(config, caller.queue, position, figures, now, callback=False)
        if is_said(position):
            ledger.announce(held.call_sid, position, now)
            told = _told(held.queue, position, forecast.estimate, now)
            if told is not None:
                ledger.tell(caller, told)
        return Standing(position, forecast)


def _joining(held: Round, arrived: datetime) -> Joining:
    """The caller's place: a later callback taken from hold keeps the call's arrival too."""
    return Joining(
        call_sid=held.call_sid,
        queue=held.queue,
        queue_sid=held.queue_sid,
        language=held.language,
        priority=held.priority,
        virtual_start=arrived,
    )


def _told(
    queue: QueueName, position: Position, estimate: Estimate | None, now: datetime
) -> Told | None:
    """What this round says about the wait (no clock time is promised on hold)."""
    if estimate is None:
        return None
    return Told(queue, HOLD_SOURCE, now, position.ahead, estimate.wait, estimate.low, estimate.high)
