"""An agent's kick: a dial for that agent at once, within every rule, never twice beside a tick."""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.exc import OperationalError

from callback.carrier import CallRecord
from callback.config import ConfigHolder
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.service.settle import Settler
from callback.store import QueueStore, dispatching, make_engine
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.settling import SettleStore
from callback.store.tables import ATTEMPT
from callback.types import E164, AgentId, Channel, QueueName, RequestId, State
from ivr.links import Links
from scheduler.dispatcher import Dispatcher

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
# Monday 2 March 2026, 10:00 in London: the example's support queue is open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SUPPORT = QueueName("support")
SUPPORT_AGENTS = ("alice", "boris", "chloe")  # chloe serves sales as well
# Ofcom's drama range for London: numbers that are never anyone's.
LONDON = tuple(E164(f"+44207946{n:04d}") for n in range(400, 410))
WASHINGTON = E164("+12025550123")  # 10:00 UTC is 05:00 there, before the 08:00 window
CALLBACK_SECTION = '[queues.support.callback]\noffer_threshold = "2m"\n'


@dataclass
class Phone:
    """A carrier that records every dial, safe to call from several threads."""

    placed: list[dict[str, object]] = field(default_factory=list)
    _sids: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def place_call(self, **params: object) -> str:
        with self._lock:
            self.placed.append(params)
            return f"CA{next(self._sids):032d}"

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        raise AssertionError("the dispatcher sends no SMS")

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        return []

    def redirect_call(self, sid: str, *, url: str) -> None:
        raise AssertionError("the dispatcher redirects no call")

    def hang_up(self, sid: str) -> None:
        raise AssertionError("no hang-up expected")

    def call_status(self, sid: str) -> CallRecord | None:
        raise AssertionError("no lookup by CallSid expected")

    def numbers(self) -> list[object]:
        return [dial["to"] for dial in self.placed]


@dataclass
class World:
    engine: Engine
    dispatcher: Dispatcher
    store: QueueStore
    presence: PresenceStore
    calls: CallStore
    phone: Phone

    def wait(self, *numbers: E164) -> list[RequestId]:
        ids = []
        for number in numbers:
            incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
            ids.append(self.store.enqueue(SUPPORT, number, incoming, MONDAY_10).request.id)
        return ids

    def on_duty(self, *agents: str) -> None:
        self.presence.sync_roster([AgentId(a) for a in agents], MONDAY_10)
        for agent in agents:
            off, on = AgentStatus.OFFLINE, AgentStatus.AVAILABLE
            assert self.presence.set_status(AgentId(agent), off, on, MONDAY_10, "test")

    def caller_on_hold(self) -> None:
        self.calls.arrive("CA" + "7" * 32, "inbound", SUPPORT, MONDAY_10)
        self.calls.set_hold("CA" + "7" * 32, MONDAY_10, MONDAY_10)

    def state(self, request: RequestId) -> State:
        found = self.store.get(request)
        assert found is not None
        return found.state

    def open_attempts_by_agent(self) -> list[str]:
        query = select(ATTEMPT.c.agent_id).where(ATTEMPT.c.ended_at.is_(None))
        with self.engine.connect() as connection:
            return sorted(connection.execute(query).scalars())


Build = Callable[..., World]


def make_world(url: str, directory: Path, *rules: str) -> World:
    """A dispatcher on `url`, with extra `[queues.support.callback]` rules."""
    config = directory / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)
    text = config.read_text()
    assert CALLBACK_SECTION in text
    extra = "".join(f"{rule}\n" for rule in rules)
    config.write_text(text.replace(CALLBACK_SECTION, CALLBACK_SECTION + extra))
    engine = make_engine(url)
    phone = Phone()
    store, presence, calls = QueueStore(engine), PresenceStore(engine), CallStore(engine)
    dispatcher = Dispatcher(
        store=store,
        claims=DispatchStore(engine),
        presence=presence,
        calls=calls,
        config=ConfigHolder(config, MONDAY_10),
        telephony=phone,
        links=Links("https://cb.example.com"),
        clock=lambda: MONDAY_10,
        settler=Settler(SettleStore(engine), store, calls),
    )
    return World(engine, dispatcher, store, presence, calls, phone)


@pytest.fixture
def build(db_url: str, tmp_path: Path) -> Iterator[Build]:
    """Worlds on each database; their engines are disposed after the test."""
    worlds: list[World] = []

    def make(*rules: str) -> World:
        worlds.append(make_world(db_url, tmp_path, *rules))
        return worlds[-1]

    yield make
    for world in worlds:
        world.engine.dispose()


def test_a_kick_dials_the_first_in_line_for_that_agent(build: Build) -> None:
    world = build()
    first, second = world.wait(LONDON[0], LONDON[1])
    world.on_duty("alice")
    done = world.dispatcher.offer(AgentId("alice"), MONDAY_10)
    assert done is not None and done.queue == SUPPORT and len(done.placed) == 1
    assert world.phone.numbers() == [LONDON[0]]
    assert (world.state(first), world.state(second)) == (State.DIALING, State.WAITING)
    assert world.open_attempts_by_agent() == ["alice"]


def test_a_kick_passes_over_a_customer_outside_their_calling_window(build: Build) -> None:
    world = build()
    early, london = world.wait(WASHINGTON, LONDON[0])
    world.on_duty("alice")
    world.dispatcher.offer(AgentId("alice"), MONDAY_10)
    assert world.phone.numbers() == [LONDON[0]]
    assert (world.state(early), world.state(london)) == (State.WAITING, State.DIALING)
    assert world.store.position(early, MONDAY_10) is None  # postponed to its window


def test_a_kick_dials_nobody_for_an_agent_not_available_or_not_serving_the_queue(
    build: Build,
) -> None:
    world = build()
    world.wait(LONDON[0])
    world.presence.sync_roster([AgentId("alice")], MONDAY_10)  # offline
    world.on_duty("dagur")  # sales only, and nobody waits in sales
    assert world.dispatcher.offer(AgentId("alice"), MONDAY_10) is None
    assert world.dispatcher.offer(AgentId("dagur"), MONDAY_10) is None
    assert world.dispatcher.offer(AgentId("nobody"), MONDAY_10) is None
    assert world.phone.placed == []


def test_a_kick_keeps_the_dial_rate_cap(build: Build) -> None:
    world = build("dial_rate_per_minute = 1")
    world.wait(LONDON[0], LONDON[1])
    world.on_duty("alice", "boris")
    assert world.dispatcher.offer(AgentId("alice"), MONDAY_10) is not None
    assert world.dispatcher.offer(AgentId("boris"), MONDAY_10) is None
    later = MONDAY_10 + timedelta(seconds=61)  # the first start has left the sliding minute
    assert world.dispatcher.offer(AgentId("boris"), later) is not None
    assert world.phone.numbers() == [LONDON[0], LONDON[1]]


def test_a_kick_keeps_an_agent_free_for_a_caller_on_hold(build: Build) -> None:
    world = build("reserve_agents_for_live = 1")
    world.wait(LONDON[0], LONDON[1])
    world.caller_on_hold()
    world.on_duty("alice", "boris")
    assert world.dispatcher.offer(AgentId("alice"), MONDAY_10) is not None
    assert world.dispatcher.offer(AgentId("boris"), MONDAY_10) is None  # boris is the reserve
    world.calls.set_hold("CA" + "7" * 32, None, MONDAY_10)  # the caller was answered
    assert world.dispatcher.offer(AgentId("boris"), MONDAY_10) is not None
    assert len(world.phone.placed) == 2


def test_a_kick_keeps_the_cap_on_concurrent_callbacks(build: Build) -> None:
    world = build("max_concurrent_callbacks = 1")
    world.wait(LONDON[0], LONDON[1])
    world.on_duty("alice", "boris")
    assert world.dispatcher.offer(AgentId("alice"), MONDAY_10) is not None
    assert world.dispatcher.offer(AgentId("boris"), MONDAY_10) is None
    assert world.open_attempts_by_agent() == ["alice"]


def _at_once(world: World, agents: tuple[str, ...]) -> None:
    """A tick's pass and every agent's kick, released together from one barrier."""
    jobs: list[Callable[[], object]] = [lambda: world.dispatcher.dispatch(MONDAY_10)]
    jobs += [partial(world.dispatcher.offer, AgentId(agent), MONDAY_10) for agent in agents]
    barrier = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def start(job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=start, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@pytest.mark.parametrize("round_", range(3))
def test_kicks_beside_a_tick_dial_each_agent_once_and_no_number_twice(
    build: Build, round_: int
) -> None:
    world = build()
    world.wait(*LONDON[:6])
    world.on_duty(*SUPPORT_AGENTS)
    _at_once(world, SUPPORT_AGENTS)
    numbers = world.phone.numbers()
    assert len(numbers) == len(set(numbers)) == len(SUPPORT_AGENTS)
    assert set(numbers) == set(LONDON[:3])  # the first in line, whoever dialled them
    assert world.open_attempts_by_agent() == sorted(SUPPORT_AGENTS)


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        ("dial_rate_per_minute = 2", 2),
        ("max_concurrent_callbacks = 1", 1),
        ("reserve_agents_for_live = 1", 2),  # one caller holds
    ],
)
def test_kicks_beside_a_tick_spend_a_budget_only_once(
    build: Build, rule: str, allowed: int
) -> None:
    world = build(rule)
    world.wait(*LONDON[:6])
    world.caller_on_hold()
    world.on_duty(*SUPPORT_AGENTS)
    _at_once(world, SUPPORT_AGENTS)
    numbers = world.phone.numbers()
    assert len(numbers) == len(set(numbers)) == allowed


def _transactions(engine: Engine) -> list[str]:
    begun: list[str] = []

    def count(connection: Connection) -> None:
        begun.append("begin")

    event.listen(engine, "begin", count)
    return begun


def test_a_kick_is_a_claim_a_check_that_it_is_still_held_and_an_attach(build: Build) -> None:
    world = build()
    world.wait(LONDON[0])
    world.on_duty("alice")
    begun = _transactions(world.engine)
    world.dispatcher.offer(AgentId("alice"), MONDAY_10)
    assert len(world.phone.placed) == 1
    assert len(begun) == 3


def test_a_quiet_tick_reads_presence_once_and_nothing_else(build: Build) -> None:
    world = build()
    world.wait(LONDON[0])
    world.dispatcher.dispatch(MONDAY_10)  # the first pass writes the roster's rows
    begun = _transactions(world.engine)
    passes = world.dispatcher.dispatch(MONDAY_10 + timedelta(seconds=1))
    assert world.phone.placed == []
    assert [p.budget.allowed for p in passes] == [0, 0]
    assert len(begun) == 1


@pytest.mark.postgres
def test_a_claimer_stalled_mid_transaction_holds_the_queue_only_for_a_while(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(dispatching, "LOCK_WAIT_MS", 100)
    world = make_world(pg_url, tmp_path)
    world.wait(LONDON[0])
    world.on_duty("alice")
    try:
        # Another instance stopped (SIGSTOP) inside its claim transaction for the same queue.
        with world.engine.connect() as stalled, stalled.begin():
            key = dispatching.queue_lock_key(SUPPORT)
            stalled.execute(select(func.pg_advisory_xact_lock(key)))
            with pytest.raises(OperationalError, match="lock timeout"):
                world.dispatcher.offer(AgentId("alice"), MONDAY_10)
            world.dispatcher.kick(AgentId("alice"))  # logged, not raised: the tick retries
            assert "dispatch for agent alice failed" in caplog.text
            assert world.phone.placed == []
        assert world.dispatcher.offer(AgentId("alice"), MONDAY_10) is not None
    finally:
        world.engine.dispose()
