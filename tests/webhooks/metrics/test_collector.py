"""The database figures of a scrape match a known state, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine

from callback.request import Promise
from callback.store import QueueStore, make_engine
from callback.store.abuse import AbuseStore
from callback.store.calls import CallStore
from callback.store.events import EventStore
from callback.store.figures import FiguresStore
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId, QueueName, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number
from tests.webhooks.metrics.scrape import Samples, parse, value
from webhooks.metrics import LineCollector

SINCE = at(5)
"""When the collector started: dials and broken promises before it are not counted."""
NOW = at(10)


def _request(store: QueueStore, queue: QueueName, n: int, start: float) -> RequestId:
    return store.enqueue(queue, number(n), incoming(start), at(start)).request.id


def _dial(store: QueueStore, queue: QueueName, claimed: float, outcome: str, ended: float) -> None:
    claim = claim_next(store, queue, at(claimed), LEASE)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, outcome, at(ended))
    store.transition(claim.request.id, State.FAILED, at(ended))


def _line(store: QueueStore) -> None:
    _request(store, SALES, 6, 0)
    _dial(store, SALES, 1, "no-answer", 2)  # before the collector started
    _request(store, SUPPORT, 1, 0)
    _request(store, SUPPORT, 2, 1)
    assert claim_next(store, SUPPORT, at(3), LEASE) is not None  # number 1: dialling
    connected = claim_next(store, SUPPORT, at(3), LEASE)
    assert connected is not None
    store.transition(connected.request.id, State.CONNECTED, at(4))
    _request(store, SUPPORT, 7, 2)
    _dial(store, SUPPORT, 6, "busy", 9)
    late = _request(store, SUPPORT, 3, 3)
    told = timedelta(minutes=3)
    store.record_announcement(late, 1, Promise(at(3), told, told, told, at(6)), at(3))
    _request(store, SUPPORT, 4, 4)
    store.enqueue(SUPPORT, number(5), incoming(5, slot=(30, 40)), at(5))
    _request(store, SALES, 8, -9)
    store.transition(_request(store, SALES, 9, 6), State.CANCELLED, at(7))


def _around(engine: Engine) -> None:
    calls = CallStore(engine)
    calls.arrive("CA" + "1" * 32, "inbound", SUPPORT, at(1))
    calls.set_hold("CA" + "1" * 32, at(1), at(1))
    calls.arrive("CA" + "2" * 32, "inbound", SUPPORT, at(2))  # arrived, never held
    presence = PresenceStore(engine)
    presence.sync_roster([AgentId("alice"), AgentId("bob"), AgentId("cara")], at(0))
    presence.set_status(AgentId("alice"), AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "t")
    presence.set_status(AgentId("bob"), AgentStatus.OFFLINE, AgentStatus.AWAY, at(0), "t")
    abuse = AbuseStore(engine)
    for reason in ("too_fast", "too_fast", "ip_limit"):
        abuse.refused(reason, at(8))
    events = EventStore(engine)
    [late] = events.overdue_promises(at(7))
    assert events.mark_broken(late, at(7), emit=False)


def _collector(engine: Engine, clock: Callable[[], datetime] = lambda: NOW) -> CollectorRegistry:
    registry = CollectorRegistry()
    queues = ["sales", "support", "billing"]
    registry.register(LineCollector(FiguresStore(engine), lambda: queues, clock, SINCE))
    return registry


def _scrape(engine: Engine) -> Samples:
    return parse(generate_latest(_collector(engine)).decode())


@pytest.fixture
def samples(store: QueueStore, engine: Engine) -> Samples:
    _line(store)
    _around(engine)
    return _scrape(engine)


@pytest.mark.parametrize(
    ("queue", "state", "count"),
    [
        ("support", "waiting", 2),
        ("support", "scheduled", 1),
        ("support", "dialing", 1),
        ("support", "connected", 1),
        ("support", "on_hold", 1),
        ("sales", "waiting", 1),
        ("sales", "dialing", 0),
        ("billing", "waiting", 0),
    ],
)
def test_the_line_by_queue_and_state(samples: Samples, queue: str, state: str, count: int) -> None:
    assert value(samples, "holdless_line", queue=queue, state=state) == count


def test_the_oldest_wait_counts_waiting_callbacks_and_callers_on_hold(samples: Samples) -> None:
    # support: the caller on hold since minute 1, before the oldest waiting callback (minute 3)
    assert value(samples, "holdless_line_oldest_wait_seconds", queue="support") == 9 * 60
    assert value(samples, "holdless_line_oldest_wait_seconds", queue="sales") == 19 * 60
    assert value(samples, "holdless_line_oldest_wait_seconds", queue="billing") == 0


def test_agents_by_presence(samples: Samples) -> None:
    found = {
        state.value: value(samples, "holdless_agents", state=state.value) for state in AgentStatus
    }
    # Busy: the four dials' agents (a claim holds an agent, as the dispatcher's does; no pass
    # followed the two ended calls into wrap-up).
    assert found == {"available": 1, "busy": 4, "wrap_up": 0, "away": 1, "offline": 1}


def test_counters_the_database_keeps(samples: Samples) -> None:
    assert value(samples, "holdless_dials_total", queue="support", outcome="busy") == 1
    assert value(samples, "holdless_dials_total", queue="sales", outcome="no-answer") is None
    assert value(samples, "holdless_broken_promises_total", queue="support") == 1
    assert value(samples, "holdless_broken_promises_total", queue="sales") == 0
    assert value(samples, "holdless_admission_refusals_total", reason="too_fast") == 2
    assert value(samples, "holdless_admission_refusals_total", reason="ip_limit") == 1
    assert value(samples, "holdless_database_up") == 1


def test_a_database_that_does_not_answer_is_reported_not_raised(tmp_path: Path) -> None:
    gone = make_engine(f"sqlite:///{tmp_path / 'missing' / 'holdless.db'}")
    registry = CollectorRegistry()
    registry.register(LineCollector(FiguresStore(gone), lambda: ["support"], lambda: NOW, SINCE))
    samples = parse(generate_latest(registry).decode())
    assert value(samples, "holdless_database_up") == 0
    assert value(samples, "holdless_line", queue="support", state="waiting") is None


def test_registering_reads_nothing(engine: Engine) -> None:
    asked: list[str] = []

    def queues() -> list[str]:
        asked.append("queues")
        return ["support"]

    registry = CollectorRegistry()
    registry.register(LineCollector(FiguresStore(engine), queues, lambda: NOW, SINCE))
    assert asked == []
    generate_latest(registry)
    assert asked == ["queues"]


def test_dials_add_up_over_scrapes_without_counting_twice(
    store: QueueStore, engine: Engine
) -> None:
    times = [at(10)]
    registry = _collector(engine, lambda: times[-1])

    def busy() -> float | None:
        samples = parse(generate_latest(registry).decode())
        return value(samples, "holdless_dials_total", queue="support", outcome="busy")

    _request(store, SUPPORT, 1, 0)
    _dial(store, SUPPORT, 6, "busy", 9)
    assert busy() == 1
    _request(store, SUPPORT, 2, 1)
    _dial(store, SUPPORT, 9.8, "busy", 9.8)  # stamped just before the last scrape, seen late
    _request(store, SUPPORT, 3, 2)
    _dial(store, SUPPORT, 11, "busy", 11)
    times.append(at(12))
    assert busy() == 3
    assert busy() == 3
    times.append(at(20))
    assert busy() == 3
