"""The dispatcher on a real SQLite store: claims with agents, dials, failures and the sweep."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callback.carrier import CallRecord, CallStatus, TelephonyError
from callback.config import ConfigHolder
from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.service.settle import Settler
from callback.store import QueueStore, make_engine
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.settling import SettleStore
from callback.store.tables import ATTEMPT
from callback.types import E164, AgentId, Channel, QueueName, RequestId, State
from ivr.links import Links, Step, parse_url
from scheduler.dispatch_dial import NOT_DIALLED
from scheduler.dispatcher import Dispatcher, QueuePass

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
# Monday 2 March 2026, 10:00 in London: the example's support queue is open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SUPPORT = QueueName("support")
CUSTOMER = E164("+442079460456")
BASE = "https://cb.example.com"


@dataclass
class FakeTelephony:
    """Records every dial; fails with `error` when one is set; answers `calls_to` from `seen`."""

    placed: list[dict[str, object]] = field(default_factory=list)
    error: TelephonyError | None = None
    seen: list[CallRecord] = field(default_factory=list)
    during: Callable[[], object] | None = None
    """Runs inside each REST request, before it is answered."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def place_call(self, **params: object) -> str:
        if self.error is not None:
            raise self.error
        if self.during is not None:
            self.during()
        with self._lock:  # a pass dials its claims from several threads
            self.placed.append(params)
            return f"CA{len(self.placed):032d}"

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        raise AssertionError("the dispatcher sends no SMS")

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        return list(self.seen)

    def redirect_call(self, sid: str, *, url: str) -> None:
        raise AssertionError("the dispatcher redirects no call")

    def hang_up(self, sid: str) -> None:
        raise AssertionError("no call is placed after its attempt ended here")

    def call_status(self, sid: str) -> CallRecord | None:
        # Every call this fake placed is still ringing: the sweep holds it for another lease.
        return CallRecord(sid, CallStatus.RINGING, None)


@dataclass
class World:
    dispatcher: Dispatcher
    store: QueueStore
    presence: PresenceStore
    calls: CallStore
    phone: FakeTelephony

    def wait(self, number: E164 = CUSTOMER, now: datetime = MONDAY_10) -> RequestId:
        incoming = Incoming(ContextEntry(Channel.WEB, now, {}), virtual_start=now)
        return self.store.enqueue(SUPPORT, number, incoming, now).request.id

    def on_duty(self, *agents: str, now: datetime = MONDAY_10) -> None:
        self.presence.sync_roster([AgentId(a) for a in agents], now)
        for agent in agents:
            off, on = AgentStatus.OFFLINE, AgentStatus.AVAILABLE
            assert self.presence.set_status(AgentId(agent), off, on, now, "test")

    def status(self, agent: str) -> AgentStatus:
        found = self.presence.get(AgentId(agent))
        assert found is not None
        return found.status


def make_world(url: str, directory: Path) -> World:
    """A dispatcher over `url` with the example config, a fake carrier and a fixed clock."""
    config = directory / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)
    engine = make_engine(url)
    phone = FakeTelephony()
    parts = (QueueStore(engine), PresenceStore(engine), CallStore(engine))
    dispatcher = Dispatcher(
        store=parts[0],
        claims=DispatchStore(engine),
        presence=parts[1],
        calls=parts[2],
        config=ConfigHolder(config, MONDAY_10),
        telephony=phone,
        links=Links(BASE),
        clock=lambda: MONDAY_10,
        settler=Settler(SettleStore(engine), *parts[::2]),
    )
    return World(dispatcher, *parts, phone)


@pytest.fixture
def world(sqlite_url: str, tmp_path: Path) -> World:
    return make_world(sqlite_url, tmp_path)


def _support(passes: list[QueuePass]) -> QueuePass:
    return next(p for p in passes if p.queue == SUPPORT)


def test_nobody_is_dialled_without_an_available_agent(world: World) -> None:
    world.wait()
    passes = world.dispatcher.dispatch(MONDAY_10)
    assert _support(passes).budget.limited_by is Limit.NO_FREE_AGENT
    assert world.phone.placed == []


def test_a_free_agent_and_a_waiting_customer_make_one_customer_first_call(world: World) -> None:
    request = world.wait()
    world.on_duty("alice")
    world.dispatcher.dispatch(MONDAY_10)
    [dial] = world.phone.placed
    assert dial["to"] == CUSTOMER
    assert dial["from_"] == "+442079460000"
    assert dial["status_callback"] == dial["amd_callback"] == BASE + "/twilio/status"
    assert dial["machine_detection"] is True
    assert dial["timeout_s"] == 30
    link = parse_url(str(dial["url"]))
    assert (link.step, link.request, link.queue) == (Step.ANSWER, request, "support")
    attempt = world.calls.attempt_for("CA" + "1".zfill(32))
    assert attempt is not None and attempt.agent_id == "alice"
    assert world.status("alice") is AgentStatus.BUSY
    stored = world.store.get(request)
    assert stored is not None and stored.state is State.DIALING


def test_one_agent_takes_one_call_and_a_second_pass_dials_nobody_new(world: World) -> None:
    world.wait()
    world.wait(E164("+442079460457"))
    world.on_duty("alice")
    world.dispatcher.dispatch(MONDAY_10)
    world.dispatcher.dispatch(MONDAY_10 + timedelta(seconds=1))
    assert len(world.phone.placed) == 1


def test_the_claims_of_one_pass_are_dialled_at_once(world: World) -> None:
    for n in range(3):
        world.wait(E164(f"+44207946046{n}"))
    world.on_duty("alice", "boris", "chloe")
    # Each REST request is answered only once all three are in flight: dialled one after
    # another, the first would wait for the others in vain and the barrier would break.
    world.phone.during = threading.Barrier(3, timeout=30).wait
    [support] = [p for p in world.dispatcher.dispatch(MONDAY_10) if p.queue == SUPPORT]
    assert len(support.placed) == len(world.phone.placed) == 3
    assert len({str(dial["to"]) for dial in world.phone.placed}) == 3


def test_a_customer_outside_their_calling_window_is_postponed_not_dialled(world: World) -> None:
    # 10:00 UTC is 05:00 in Washington DC, before the example's 08:00 window opens.
    late = world.wait(E164("+12025550123"))
    world.on_duty("alice")
    world.dispatcher.dispatch(MONDAY_10)
    assert world.phone.placed == []
    assert world.status("alice") is AgentStatus.AVAILABLE
    stored = world.store.get(late)
    assert stored is not None and stored.state is State.WAITING
    assert world.store.position(late, MONDAY_10) is None  # not due until the window opens


def test_a_passing_carrier_fault_retries_soon_and_frees_the_agent(world: World) -> None:
    request = world.wait()
    world.on_duty("alice")
    world.phone.error = TelephonyError("503", retryable=True, ambiguous=False, status=503)
    world.dispatcher.dispatch(MONDAY_10)
    stored = world.store.get(request)
    assert stored is not None and stored.state is State.WAITING
    assert stored.attempts == 0  # nobody was rung: not one of the customer's tries
    assert world.store.position(request, MONDAY_10) is None  # after the agent retry delay
    world.dispatcher.dispatch(MONDAY_10 + timedelta(seconds=1))
    assert world.status("alice") is AgentStatus.AVAILABLE  # a carrier fault is not hers


def test_an_ambiguous_dial_stays_open_until_the_sweep_finds_no_call(world: World) -> None:
    request = world.wait()
    world.on_duty("alice")
    world.phone.error = TelephonyError("timeout", retryable=True, ambiguous=True)
    world.dispatcher.dispatch(MONDAY_10)
    assert world.dispatcher.sweep(MONDAY_10 + timedelta(minutes=1)) == 0  # lease still runs
    assert world.dispatcher.sweep(MONDAY_10 + timedelta(minutes=3)) == 1
    stored = world.store.get(request)
    assert stored is not None
    assert (stored.state, stored.attempts) == (State.WAITING, 0)  # never rung: not counted
    with world.store.engine.connect() as connection:
        outcome = connection.execute(select(ATTEMPT.c.outcome)).scalar_one()
    assert outcome == NOT_DIALLED


def test_the_sweep_attaches_a_call_that_did_go_out(world: World) -> None:
    request = world.wait()
    world.on_duty("alice")
    world.phone.error = TelephonyError("timeout", retryable=True, ambiguous=True)
    world.dispatcher.dispatch(MONDAY_10)
    sid = "CA" + "9" * 32
    world.phone.seen = [CallRecord(sid, CallStatus.RINGING, MONDAY_10)]
    assert world.dispatcher.sweep(MONDAY_10 + timedelta(minutes=3)) == 0
    attempt = world.calls.attempt_for(sid)
    assert attempt is not None and attempt.request_id == request and not attempt.ended


def test_run_dispatches_at_its_own_clock(world: World) -> None:
    world.wait()
    world.on_duty("alice")
    world.dispatcher.run()
    assert len(world.phone.placed) == 1


def test_a_claim_holds_the_agent_in_the_same_transaction_on_both_databases(
    store: QueueStore,
) -> None:
    engine = store.engine
    presence, claims = PresenceStore(engine), DispatchStore(engine)
    incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
    store.enqueue(SUPPORT, CUSTOMER, incoming, MONDAY_10)
    presence.sync_roster([AgentId("alice")], MONDAY_10)
    alice_only = (AgentId("alice"),)
    offer = Offer(SUPPORT, AgentId("alice"), alice_only, timedelta(minutes=2), _always, _one)
    # Offline: nothing is claimed, the request stays in line.
    assert claims.offer(offer, MONDAY_10).claim is None
    assert store.counts(MONDAY_10)[SUPPORT].waiting == 1
    off, on = AgentStatus.OFFLINE, AgentStatus.AVAILABLE
    assert presence.set_status(AgentId("alice"), off, on, MONDAY_10, "test")
    claim = claims.offer(offer, MONDAY_10).claim
    assert claim is not None
    alice = presence.get(AgentId("alice"))
    assert alice is not None
    assert (alice.status, alice.attempt_id) == (AgentStatus.BUSY, claim.attempt_id)
    assert claims.recent_starts(SUPPORT, MONDAY_10 - timedelta(minutes=1)) == (MONDAY_10,)


def _always(request: object, due: datetime) -> Eligible:
    return Eligible()


def _one(snapshot: Snapshot) -> Budget:
    return Budget(allowed=1, limited_by=Limit.NONE)


def test_presence_follows_the_call_through_wrap_up_in_the_history(world: World) -> None:
    world.wait()
    world.on_duty("alice")
    world.dispatcher.dispatch(MONDAY_10)
    claim = world.calls.attempt_for("CA" + "1".zfill(32))
    assert claim is not None
    ended = MONDAY_10 + timedelta(minutes=5)
    world.store.finish_attempt(claim.attempt_id, claim.fence, "connected", ended)
    world.dispatcher.dispatch(ended + timedelta(seconds=1))
    assert world.status("alice") is AgentStatus.WRAP_UP
    world.dispatcher.dispatch(ended + timedelta(seconds=46))
    assert world.status("alice") is AgentStatus.AVAILABLE
    history = [(c.status, c.cause) for c in world.presence.history(AgentId("alice"))]
    assert history == [
        (AgentStatus.AVAILABLE, "wrap-up over"),
        (AgentStatus.WRAP_UP, "call ended: connected"),
        (AgentStatus.BUSY, "offer"),
        (AgentStatus.AVAILABLE, "test"),
    ]


def test_the_sweep_leaves_a_dial_whose_call_is_known_to_the_status_callbacks(
    world: World,
) -> None:
    request = world.wait()
    world.on_duty("alice")
    world.dispatcher.dispatch(MONDAY_10)
    assert len(world.phone.placed) == 1  # its CallSid is attached to the attempt
    # The carrier's call list says nothing (an agent-first leg, a lagging API): the known
    # CallSid is what counts, and the call is never taken for one that did not happen.
    assert world.dispatcher.sweep(MONDAY_10 + timedelta(minutes=10)) == 0
    stored = world.store.get(request)
    assert stored is not None and stored.state is State.DIALING
