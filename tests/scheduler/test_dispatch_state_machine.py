"""The dispatch protocol as a Hypothesis state machine, on SQLite and on PostgreSQL.

Rules drive the real store, dispatcher, lease sweep and status webhook handlers: enqueues
(from a small pool of numbers, so merges and conflicts happen), agents coming and going,
dispatch passes whose dial requests fail, time out before or after sending or take the
process down, restarts, the clock moving past leases, sweeps, status callbacks duplicated
and out of order, answers, cancellations by SMS. After every step the database is checked
against the carrier's ground truth.

CI runs it derandomized (the same examples every time). To hunt for new counterexamples,
raise max_examples and drop derandomize in a local run.

It found, among others, that the lease sweep of an agent-first dial looked for calls to the
customer instead of the agent, and that a call which ended before its CallSid was attached
was never settled; both are fixed and checked here with no exception.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from callback.config.policy import DialMode
from callback.merge import Incoming
from callback.request import ContextEntry, Slot
from callback.store import make_engine
from callback.store.held_line import ON_OFFER
from callback.store.presence import AgentStatus
from callback.types import E164, FINAL_STATES, AgentId, Channel, QueueName, RequestId
from ivr.links import Link, Step
from settings import Settings
from tests.scheduler.held_rules import HeldRules
from tests.scheduler.held_truth import held_snapshot
from tests.scheduler.machine_support import (
    Fate,
    GroundTruthTelephony,
    Placed,
    ProcessDied,
    Snapshot,
    attempts_dialled_twice,
    calls_without_attempt,
    customer_tries,
    numbers_dialled_twice,
    snapshot,
    stranded,
    unsettled_on_call,
    wipe,
)
from webhooks.assembly import build_services
from webhooks.services import Services
from webhooks.twilio import outbound, sms, status
from webhooks.twilio.notify import LogNotifier

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
# Monday 2 March 2026, 10:00 in London and Reykjavik: both example queues are open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
QUEUES = (QueueName("support"), QueueName("sales"))  # customer-first and agent-first
# Ofcom's drama range; the same numbers in both queues compete for one open dial.
NUMBERS = tuple(E164(f"+44207946045{digit}") for digit in range(4))
AGENTS = tuple(AgentId(agent) for agent in ("alice", "boris", "chloe", "dagur", "leila"))
STEPS = tuple(
    timedelta(seconds=s) for s in (1, 20, 46, 121, 301, 901)
)  # past wrap-up (45 s), the lease (2 min) and the backoffs (5 and 15 min)
SLOTS = (0, 0, 0, 1, 2)  # mostly "as soon as possible", sometimes a slot in the next hour
LAST_JUMP = MONDAY_10 + timedelta(days=1)
ENDINGS = ("completed", "busy", "no-answer", "failed", "canceled")
PROGRESS = ("initiated", "ringing")


def _events(ending: str) -> tuple[str, ...]:
    """A call's status callbacks in the order Twilio sends them."""
    answered = ("in-progress",) if ending == "completed" else ()
    return (*PROGRESS, *answered, ending)


class DispatchMachine(HeldRules):
    """One dispatching process over a real database, against a carrier with a ground truth."""

    SETTINGS: ClassVar[Settings]
    """The database and config of the run; set by a subclass per backend."""

    def __init__(self) -> None:
        super().__init__()
        self.now = MONDAY_10
        self.observer = make_engine(self.SETTINGS.database_url)
        wipe(self.observer)
        self.phone = GroundTruthTelephony(self.observer, lambda: self.now)
        self.svc = self._start()
        self.svc.presence.sync_roster(AGENTS, self.now)
        self.endings: dict[str, str] = {}
        self.delivered: set[str] = set()
        self.finished: dict[int, tuple[object, ...]] = {}

    def _start(self) -> Services:
        svc = build_services(
            self.SETTINGS, lambda: self.now, notifier=LogNotifier(), telephony=self.phone
        )
        # The fates meet the dial requests in order, and a replayed example must meet them
        # the same way: one dial at a time (test_dispatcher proves a pass's dials overlap).
        svc.dispatcher.parallel_dials = 1
        return svc

    def _restart(self) -> None:
        # A new process: nothing in memory survives, the database keeps every claim.
        self.svc.store.close()
        self.svc = self._start()

    def teardown(self) -> None:
        """Release both engines."""
        self.svc.store.close()
        self.observer.dispose()

    @initialize(
        on_duty=st.sets(st.sampled_from(AGENTS), min_size=2),
        line=st.lists(st.tuples(st.sampled_from(QUEUES), st.sampled_from(NUMBERS)), max_size=4),
    )
    def morning(self, on_duty: set[AgentId], line: list[tuple[QueueName, E164]]) -> None:
        """Some agents start the day available, some customers are already waiting."""
        for agent in sorted(on_duty):
            self.agent(agent, available=True)
        for queue, number in line:
            self.enqueue(queue, number, slot=0)

    @rule(
        queue=st.sampled_from(QUEUES), number=st.sampled_from(NUMBERS), slot=st.sampled_from(SLOTS)
    )
    def enqueue(self, queue: QueueName, number: E164, slot: int) -> None:
        """A customer asks for a callback, at once or for a slot in the next hour."""
        wish = None
        if slot:
            start = self.now.replace(minute=0, second=0) + timedelta(minutes=30 * slot)
            wish = Slot(start, start + timedelta(minutes=30))
        entry = ContextEntry(Channel.WEB, self.now, {})
        incoming = Incoming(entry, virtual_start=self.now, slot=wish)
        self.svc.store.enqueue(queue, number, incoming, self.now)

    @rule(agent=st.sampled_from(AGENTS), available=st.booleans())
    def agent(self, agent: AgentId, available: bool) -> None:
        """An agent becomes available, or steps away while idle."""
        moves = (
            [
                (AgentStatus.OFFLINE, AgentStatus.AVAILABLE),
                (AgentStatus.AWAY, AgentStatus.AVAILABLE),
            ]
            if available
            else [(AgentStatus.AVAILABLE, AgentStatus.AWAY)]
        )
        for expected, target in moves:
            self.svc.presence.set_status(agent, expected, target, self.now, "machine")

    @rule(fates=st.lists(st.sampled_from(Fate), max_size=3))
    def dispatch(self, fates: list[Fate]) -> None:
        """One dispatch pass; the next dial requests meet `fates`, the rest ring."""
        self.phone.fates = list(fates)
        try:
            self.svc.dispatcher.dispatch(self.now)
        except ProcessDied:
            self._restart()
        self.phone.fates = []

    @rule()
    def crash(self) -> None:
        """The process is killed between passes and started again."""
        self._restart()

    @rule(step=st.sampled_from(STEPS), fates=st.lists(st.sampled_from(Fate), max_size=2))
    def tick(self, step: timedelta, fates: list[Fate]) -> None:
        """Time passes and the ticker runs a dispatch pass."""
        self.now += step
        self.dispatch(fates)

    @rule(step=st.sampled_from(STEPS))
    def advance(self, step: timedelta) -> None:
        """Time passes while no pass runs (a stalled process, a busy thread pool)."""
        self.now += step

    @precondition(lambda self: self.now < LAST_JUMP)
    @rule()
    def next_day(self) -> None:
        """A day passes: retry windows close, requests expire."""
        self.now += timedelta(days=1)

    @rule(lookups_fail=st.booleans())
    def sweep(self, lookups_fail: bool) -> None:
        """The lease sweep asks the carrier about stranded dials (the carrier may fail)."""
        self.phone.lookups_fail = lookups_fail
        self.svc.dispatcher.sweep(self.now)
        self.phone.lookups_fail = False

    @precondition(lambda self: bool(self.phone.calls))
    @rule(data=st.data(), ending=st.sampled_from(ENDINGS))
    def callback(self, data: st.DataObject, ending: str) -> None:
        """A status callback of a placed call: any of its events, in any order, repeated."""
        call = data.draw(st.sampled_from(self.phone.calls), label="call")
        events = _events(self.endings.setdefault(call.sid, ending))
        self._post_status(call, data.draw(st.sampled_from(events), label="event"))

    def _post_status(self, call: Placed, event: str) -> None:
        if event == self.endings.get(call.sid):
            self.delivered.add(call.sid)
        status.status(self._turn({"CallSid": call.sid, "CallStatus": event}))

    @precondition(lambda self: bool(self.phone.calls))
    @rule(data=st.data())
    def customer_answers(self, data: st.DataObject) -> None:
        """The customer picks up a ringing customer-first call and presses 1 for the agent."""
        call = data.draw(st.sampled_from(self.phone.calls), label="call")
        request = self.svc.store.get(RequestId(call.request_id))
        if request is None or call.sid in self.delivered:
            return
        policy = self.svc.config.current.callback_policy(request.queue)
        if policy.dial_mode is not DialMode.CUSTOMER_FIRST:
            return
        if self.endings.setdefault(call.sid, "completed") != "completed":
            return
        link = Link(Step.ANSWER, queue=request.queue, lang=request.language, request=request.id)
        outbound.answer(self._turn({"CallSid": call.sid, "Digits": "1"}, link))

    @rule(number=st.sampled_from(NUMBERS))
    def cancel(self, number: E164) -> None:
        """The customer texts CANCEL."""
        sms.incoming_sms(self._turn({"From": number, "Body": "CANCEL"}))

    @rule()
    def everything_settles(self) -> None:
        """The carrier finishes every call, every callback arrives, leases run out, sweeps
        run: then no request is left dialling or connected (nobody is lost)."""
        self.all_held_hang_up()
        for _ in range(2):
            for call in list(self.phone.calls):
                if call.sid not in self.delivered:
                    for event in _events(self.endings.setdefault(call.sid, "no-answer")):
                        self._post_status(call, event)
            self.now += timedelta(minutes=3)
            self.svc.dispatcher.sweep(self.now)
        assert stranded(snapshot(self.observer)) == []
        held = held_snapshot(self.observer)
        assert held.open_offers == []
        assert [sid for sid, (_, _, state) in held.places.items() if state in ON_OFFER] == []

    @invariant()
    def protocol_holds(self) -> None:
        """The database agrees with the carrier's ground truth and with the rules."""
        snap = snapshot(self.observer)
        assert numbers_dialled_twice(snap) == []
        assert attempts_dialled_twice(self.phone.calls) == []
        assert calls_without_attempt(snap, self.phone.calls) == []
        assert unsettled_on_call(snap) == []
        assert self._changed_after_finishing(snap) == []
        assert self._over_max_attempts(snap) == []

    def _changed_after_finishing(self, snap: Snapshot) -> list[int]:
        changed = []
        for request_id, row in snap.requests.items():
            seen = (row.state, row.finished_at, row.attempts)
            if request_id in self.finished and self.finished[request_id] != seen:
                changed.append(request_id)
            elif row.state in FINAL_STATES:
                self.finished[request_id] = seen
        return changed

    def _over_max_attempts(self, snap: Snapshot) -> list[int]:
        config = self.svc.config.current
        rung = Counter(call.request_id for call in self.phone.calls)
        tries = customer_tries(snap)
        over = []
        for request_id, row in snap.requests.items():
            policy = config.callback_policy(row.queue)
            if policy.dial_mode is DialMode.CUSTOMER_FIRST:
                # Every call placed for a customer-first request rings the customer.
                tries[request_id] = max(tries[request_id], rung[request_id])
            if tries[request_id] > policy.max_attempts:
                over.append(request_id)
        return over


def test_the_dispatch_protocol_holds_on_both_databases(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)

    class OnThisDatabase(DispatchMachine):
        SETTINGS = Settings(_env_file=None, database_url=db_url, config_file=config)

    run_state_machine_as_test(
        OnThisDatabase,
        settings=settings(
            max_examples=30,
            stateful_step_count=50,
            deadline=None,
            # CI must be reproducible: a new counterexample is found by a longer local run
            # (see the module docstring), not by chance in a pipeline.
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
