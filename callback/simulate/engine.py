"""One queue on a virtual clock: contacts arrive, the real rules decide, agents serve.

Each arrival asks the real forecast (`callback.service.line.forecast_for`) with the line
as the adapters would see it; a caller takes a callback only when the queue offers one,
and the callback's promise is the real estimate's (`promise_for`). Agents follow the
staffing plan; each free agent is given what the dispatcher's rules choose
(`callback.simulate.line`); a dial that misses is retried or given up by the real retry
policy. Nothing here draws a random number: every draw is the contact's own.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace
from datetime import datetime

from callback.config.model import SupervisorConfig
from callback.config.queue import LiveCallers
from callback.forecast import Forecast
from callback.inputs import Staffed
from callback.request import CallbackRequest
from callback.retry import DialOutcome, RetryAt
from callback.service.line import forecast_for
from callback.simulate.arrivals import DAY, DRAWS, Contact, Kind
from callback.simulate.booking import Ledger
from callback.simulate.line import HELD_BACK, Holding, Line, Pending
from callback.simulate.tally import Measures, Tally
from callback.simulate.timing import ANSWER_S, DECLINE_S, DRAIN, MACHINE_S, TICK
from callback.types import E164, Channel, QueueName, RequestId


@dataclass
class Run:
    """The simulation of one queue over `days` days from the local midnight `origin`."""

    config: SupervisorConfig
    queue: str
    origin: datetime
    days: int
    number: E164
    """The number every simulated customer calls from (one of the queue's region)."""
    tally: Tally
    events: list[tuple[float, int, str, int]] = field(default_factory=list)
    free: int = 0
    busy: int = 0
    leaving: int = 0
    wraps: dict[int, float] = field(default_factory=dict)
    ends: dict[int, float] = field(default_factory=dict)
    held_back: int = 0
    seq: int = 0
    measured: Measures = field(default_factory=Measures)
    # The staffing check's trials: agents all along instead of the plan's, the goal's target
    # instead of the queue's service_level_target, and where the run stops.
    agents: int | None = None
    within_s: float | None = None
    horizon_s: float | None = None

    def __post_init__(self) -> None:
        queue = self.config.queues[self.queue]
        self.line = Line(self.config, self.queue, self.origin)
        self.retry = self.line.policy.retry_policy()
        self.target = self.within_s or queue.service_level_target.total_seconds()
        self.wrap = queue.wrap_up.total_seconds()
        self.serve_held = queue.live_callers is LiveCallers.HOLDLESS
        self.contacts: dict[int, Contact] = {}
        self.horizon = self.horizon_s or self.days * DAY + DRAIN
        self.ledger = Ledger()

    def at(self, time: float, kind: str, ref: int = 0) -> None:
        """Schedule event `kind` at `time` about `ref`."""
        self.seq += 1
        heapq.heappush(self.events, (time, self.seq, kind, ref))

    def run(self, contacts: list[Contact]) -> Tally:
        """Simulate the contacts (in time order) and return the tally."""
        for ident, contact in enumerate(contacts):
            self.contacts[ident] = contact
            self.at(contact.at, "arrive", ident)
        self._plan()
        self.at(0.0, "tick")
        while self.events:
            time, _, kind, ref = heapq.heappop(self.events)
            if time > self.horizon:
                break
            # Agent time is counted over the simulated days only, not the drain after them.
            until = min(time, self.days * DAY)
            self.tally.spend(until, self.busy + len(self.wraps), self._logged(), self.held_back)
            getattr(self, f"_{kind}")(time, ref)
        self._unfinished()
        return self.tally

    def _plan(self) -> None:
        if self.agents is not None:
            self.at(0.0, "staff", self.agents)
            return
        plan = self.config.queues[self.queue].staffing_plan()
        until = self.line.when(self.horizon)
        for start, _, agents in plan.segments(self.origin, until):
            self.at(max(0.0, self.line.seconds(start)), "staff", agents)

    def _logged(self) -> int:
        return self.free + self.busy + len(self.wraps) - self.leaving

    def _staffed(self) -> Staffed:
        wraps = tuple(sorted(self.line.when(end) for end in self.wraps.values()))
        return Staffed(self.free + self.busy + len(self.wraps), self.free, wraps)

    def _tick(self, now: float, _: int) -> None:
        if now + TICK <= self.horizon:
            self.at(now + TICK, "tick")
        self._dispatch(now)

    def _wake(self, now: float, _: int) -> None:
        self._dispatch(now)

    def _staff(self, now: float, agents: int) -> None:
        logged = self._logged()
        if agents >= logged:
            back = min(self.leaving, agents - logged)
            self.leaving -= back
            self.free += agents - logged - back
        else:
            off = min(self.free, logged - agents)
            self.free -= off
            self.leaving += logged - agents - off
        self._dispatch(now)

    def _arrive(self, now: float, ident: int) -> None:
        contact = self.contacts[ident]
        cell = self.tally.at(now)
        cell.offered += 1
        forecast = self._forecast(now, callback=False)
        wants = contact.kind is not Kind.PHONE or (
            forecast.offer_callback and contact.choice < contact.share
        )
        if wants:
            self._book(now, ident, contact)
        elif not forecast.open or not self.serve_held:
            cell.closed += 1
        else:
            cell.held += 1
            self.line.holding[ident] = Holding(now, contact)
            self.at(now + contact.patience, "abandon", ident)
        self._dispatch(now)

    def _forecast(self, now: float, callback: bool) -> Forecast:
        line = self.line.inputs(now, self._staffed(), callback)
        moment = self.line.when(now)
        return forecast_for(self.config, QueueName(self.queue), line, self.measured.read(), moment)

    def _book(self, now: float, ident: int, contact: Contact) -> None:
        estimate = self._forecast(now, callback=True).estimate
        cell, moment = self.tally.at(now), self.line.when(now)
        slotted = contact.kind is Kind.SLOT
        slot = self.ledger.book(self.config, self.queue, moment) if slotted and estimate else None
        if estimate is None or (slotted and slot is None):  # no promise, or no slot with room
            cell.closed += 1
            return
        cell.callbacks += 1
        channel = Channel.IVR if contact.kind is Kind.PHONE else Channel.WEB
        request = CallbackRequest(
            RequestId(ident), QueueName(self.queue), self.number, channel, moment, moment, moment
        )
        due, by = now, self.line.seconds(estimate.by)
        if slot is not None:  # due at the slot's start, promised by its end
            request = replace(request, slot=slot)
            due, by = self.line.seconds(slot.start), self.line.seconds(slot.end)
        self.line.pending[ident] = Pending(request, now, due, contact, by, due_from=due)
        self.line.wait_again(ident, due)

    def _abandon(self, now: float, ident: int) -> None:
        held = self.line.holding.pop(ident, None)
        if held is None:
            return
        self.tally.at(held.arrived).abandoned += 1
        self.measured.abandoned += 1
        self.measured.exposure += now - held.arrived

    def _dispatch(self, now: float) -> None:
        self.held_back = 0
        line = self.line
        while self.free and (line.holding or line.order):
            choice = line.choose(now, self.free, self.serve_held)
            if choice.held is not None:
                self._serve(now, choice.held)
            elif choice.callback is not None:
                self._dial(now, choice.callback)
            else:
                if choice.budget.limited_by in HELD_BACK and line.any_due(now):
                    self.held_back = self.free
                break
        for wake in line.wakes:
            self.at(wake, "wake")
        line.wakes.clear()
        for entry in line.expired:
            self.ledger.release(entry.request)
            self.tally.at(entry.created).promises_broken += 1
        line.expired.clear()

    def _serve(self, now: float, ident: int) -> None:
        held = self.line.holding.pop(ident)
        wait = now - held.arrived
        cell = self.tally.at(held.arrived)
        cell.served_from_hold += 1
        cell.hold_wait_s += wait
        cell.answered_in_target += wait <= self.target
        self.measured.exposure += wait
        self._occupy(now, held.contact.talk, self.wrap)

    def _dial(self, now: float, ident: int) -> None:
        entry = self.line.start_dial(ident, now)
        contact = entry.contact
        if entry.attempts == 1:  # an agent took the callback: counted as a held caller's answer
            taken = now - max(entry.created, entry.due_from) <= self.target
            self.tally.at(entry.created).callbacks_in_target += taken
        draw = contact.answers[min(entry.attempts, DRAWS) - 1]
        self.measured.dials += 1
        missed = contact.no_answer + contact.machine
        if missed <= draw < missed + contact.declined:  # answered, but not now: a miss
            self.measured.unanswered += 1
            self._occupy(now, ANSWER_S + DECLINE_S, 0.0)
            self.at(now + ANSWER_S + DECLINE_S, "declined", ident)
            return
        if draw < missed:
            outcome = DialOutcome.NO_ANSWER if draw < contact.no_answer else DialOutcome.MACHINE
            ring = self.line.policy.ring_timeout.total_seconds()
            ring = ring if outcome is DialOutcome.NO_ANSWER else min(ring, MACHINE_S)
            self.measured.unanswered += 1
            self._occupy(now, ring, 0.0)
            self.at(now + ring, "missed" if outcome is DialOutcome.NO_ANSWER else "machine", ident)
            return
        reached = now + ANSWER_S
        cell = self.tally.at(entry.created)
        cell.callbacks_completed += 1
        # A booking waits from its slot's start (the time the customer chose), others from asking.
        cell.callback_wait_s += reached - max(entry.created, entry.due_from)
        cell.promises_broken += reached > entry.by
        self.ledger.release(self.line.pending.pop(ident).request)
        self._occupy(now, ANSWER_S + contact.talk, self.wrap)
        self.at(reached + contact.talk, "hung_up", ident)

    def _hung_up(self, _: float, __: int) -> None:
        self.line.in_progress -= 1

    def _missed(self, now: float, ident: int) -> None:
        self._retry(now, ident, DialOutcome.NO_ANSWER)

    def _machine(self, now: float, ident: int) -> None:
        self._retry(now, ident, DialOutcome.MACHINE)

    def _declined(self, now: float, ident: int) -> None:
        self._retry(now, ident, DialOutcome.DECLINED)

    def _retry(self, now: float, ident: int, outcome: DialOutcome) -> None:
        line = self.line
        line.in_progress -= 1
        entry = line.pending[ident]
        assert entry.first_attempt is not None
        decision = self.retry.decide(
            outcome=outcome,
            attempts=entry.attempts,
            first_attempt_at=entry.first_attempt,
            requested_at=entry.request.created_at,
            now=line.when(now),
        )
        if isinstance(decision, RetryAt):
            line.wait_again(ident, line.seconds(decision.at))
        else:
            self.ledger.release(line.pending.pop(ident).request)
            self.tally.at(entry.created).promises_broken += 1
        self._dispatch(now)

    def _occupy(self, now: float, busy: float, wrap: float) -> None:
        self.free -= 1
        self.busy += 1
        self.measured.attempts += 1
        self.measured.occupied += busy + wrap
        self.seq += 1
        agent = self.seq
        self.ends[agent] = now + busy + wrap
        self.at(now + busy, "ended", agent)

    def _ended(self, now: float, agent: int) -> None:
        end = self.ends.pop(agent)
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

    def _unfinished(self) -> None:
        """Callbacks still in line when the run stops never kept their promise."""
        for entry in self.line.pending.values():
            self.tally.at(entry.created).promises_broken += 1
