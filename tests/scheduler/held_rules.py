"""Callers on hold in the dispatch state machine: they arrive and hold, hold on, hang up at
any moment, take a callback from hold, and are claimed, dequeued, bridged or put back.

Every step goes through the real webhook handlers (hold rounds, the Enqueue action, the
connect step, the whisper, the Dial's end, the status callback); the carrier's side is
kept in `HeldTruth`, and the invariants hold the database to it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import Engine

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.types import E164, Channel, QueueName
from ivr.links import Link, Step, parse_url
from tests.scheduler.held_truth import (
    QUEUE_SIDS,
    agents_with_two_parties,
    callers_given_twice,
    dialled_endpoint,
    held_snapshot,
    places_lost,
)
from tests.scheduler.machine_support import GroundTruthTelephony
from webhooks.services import Services
from webhooks.twilio import holding, live, status
from webhooks.twilio.turn import Turn

HOLD_QUEUES = (QueueName("support"), QueueName("sales"))
DIAL_ENDINGS = ("completed", "no-answer", "busy", "failed")
HANG_UP = ("QueueResult", "hangup")


class HeldRules(RuleBasedStateMachine):
    """The held callers' rules; the machine provides the services, the clock and the carrier."""

    svc: Services
    now: datetime
    phone: GroundTruthTelephony
    observer: Engine
    """A second engine on the database, for the invariants' reads."""

    def __init__(self) -> None:
        super().__init__()
        self.first_places: dict[str, tuple[int, object]] = {}
        self.callers = 0

    def _turn(self, form: dict[str, str], link: Link | None = None) -> Turn:
        return Turn(self.svc, self.svc.config.current, self.now, form, link)

    def _round(self, sid: str, queue: str) -> None:
        link = Link(Step.HOLD_WAIT, queue=queue, lang="en")
        form = {"CallSid": sid, "QueueSid": QUEUE_SIDS[queue], "QueuePosition": "1"}
        holding.waiting(self._turn(form, link))

    def _ended(self, sid: str) -> None:
        self.phone.held.gone.add(sid)
        status.status(self._turn({"CallSid": sid, "CallStatus": "completed"}))

    def _queue_of(self, sid: str) -> str:
        caller = self.svc.held.held.by_sid(sid)
        assert caller is not None
        return caller.queue

    @rule(queue=st.sampled_from(HOLD_QUEUES))
    def caller_holds(self, queue: QueueName) -> None:
        """A caller arrives and chooses to hold: Twilio's queue, then the first round."""
        self.callers += 1
        sid = f"CA{'e' * 16}{self.callers:016x}"  # apart from the placed calls' SIDs
        self.svc.calls.arrive(sid, "inbound", queue, self.now)
        self.phone.held.enqueue(sid, QUEUE_SIDS[queue])
        self._round(sid, queue)

    @precondition(lambda self: bool(self.phone.held.in_queue))
    @rule(data=st.data())
    def holds_on(self, data: st.DataObject) -> None:
        """Another waitUrl round: the caller keeps their place."""
        sid = data.draw(st.sampled_from(sorted(self.phone.held.in_queue)), label="caller")
        self._round(sid, self._queue_of(sid))

    @precondition(lambda self: bool(self.phone.held.in_queue))
    @rule(data=st.data(), number=st.sampled_from(tuple(E164(f"+4420794604{d}9") for d in "12")))
    def takes_a_callback(self, data: st.DataObject, number: E164) -> None:
        """The caller presses 1 on hold and books: the request keeps the call's place."""
        sid = data.draw(st.sampled_from(sorted(self.phone.held.in_queue)), label="caller")
        queue = self._queue_of(sid)
        del self.phone.held.in_queue[sid]
        link = Link(Step.QUEUE_RESULT, queue=queue, lang="en")
        holding.result(self._turn({"CallSid": sid, "QueueResult": "leave"}, link))
        record = self.svc.calls.get(sid)
        caller = self.svc.held.held.by_sid(sid)
        assert record is not None and caller is not None
        assert caller.virtual_start == record.arrived_at  # the callback starts where they did
        entry = ContextEntry(Channel.IVR, self.now, {"call_sid": sid})
        incoming = Incoming(entry, virtual_start=record.arrived_at)
        self.svc.store.enqueue(QueueName(queue), number, incoming, self.now)
        self._ended(sid)

    @precondition(lambda self: bool(self.phone.held.live()))
    @rule(data=st.data())
    def hangs_up(self, data: st.DataObject) -> None:
        """The caller hangs up wherever they are: on hold, on the way, or with an agent."""
        self._hang_up(data.draw(st.sampled_from(self.phone.held.live()), label="caller"))

    def _hang_up(self, sid: str) -> None:
        truth = self.phone.held
        if sid in truth.in_queue:
            link = Link(Step.QUEUE_RESULT, queue=self._queue_of(sid), lang="en")
            del truth.in_queue[sid]
            holding.result(self._turn({"CallSid": sid, "QueueResult": "hangup"}, link))
        truth.dequeued.pop(sid, None)
        if sid in truth.dialling:
            _, action = truth.dialling.pop(sid)
            form = {"CallSid": sid, "CallStatus": "completed", "DialCallStatus": "canceled"}
            live.connected(self._turn(form, action))
        self._ended(sid)

    @precondition(lambda self: bool(self.phone.held.dequeued))
    @rule(data=st.data())
    def connect_runs(self, data: st.DataObject) -> None:
        """A dequeued call fetches its connect step (maybe late, after a sweep)."""
        truth = self.phone.held
        sid = data.draw(st.sampled_from(sorted(truth.dequeued)), label="caller")
        link = parse_url(truth.dequeued.pop(sid))
        twiml = live.connect(self._turn({"CallSid": sid}, link))
        agent = dialled_endpoint(twiml)
        if agent is not None:
            truth.dialling[sid] = (agent, replace(link, step=Step.CONNECTED))
        elif "<Enqueue" in twiml:
            truth.enqueue(sid, QUEUE_SIDS[self._queue_of(sid)])
        else:
            self._ended(sid)

    @precondition(lambda self: bool(self.phone.held.dialling))
    @rule(data=st.data(), ending=st.sampled_from(DIAL_ENDINGS))
    def dial_ends(self, data: st.DataObject, ending: str) -> None:
        """The agent answers (whisper, bridge, talk) or not; the Dial's action follows."""
        truth = self.phone.held
        sid = data.draw(st.sampled_from(sorted(truth.dialling)), label="caller")
        _, action = truth.dialling.pop(sid)
        if ending == "completed":
            whisper = replace(action, step=Step.LIVE_WHISPER)
            if "<Hangup" in live.whisper(self._turn({"CallSid": "CA" + "f" * 32}, whisper)):
                ending = "no-answer"  # a stale whisper declines the bridge
        form = {"CallSid": sid, "CallStatus": "in-progress", "DialCallStatus": ending}
        twiml = live.connected(self._turn(form, action))
        if "<Enqueue" in twiml:
            truth.enqueue(sid, QUEUE_SIDS[self._queue_of(sid)])
        else:
            self._ended(sid)

    def all_held_hang_up(self) -> None:
        """Every caller on hold or with an agent ends their call."""
        for sid in self.phone.held.live():
            self._hang_up(sid)

    @invariant()
    def held_callers_are_served_once(self) -> None:
        """Never two parties for one agent, never one caller to two agents, no place lost."""
        snap = held_snapshot(self.observer)
        truth = self.phone.held
        two = agents_with_two_parties(snap, truth)
        assert two == [], two
        twice = callers_given_twice(snap, truth)
        assert twice == [], twice
        lost = places_lost(snap, truth, self.first_places)
        assert lost == [], lost
