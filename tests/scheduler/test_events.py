"""Lifecycle events: derived from state changes, signed, retried with backoff, never lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store import make_engine
from callback.store.events import SETTLE, EventKind, Seen, event_for
from callback.types import Channel, State
from scheduler.events import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Delivered,
    EventDelivery,
    backoff,
    state_change_job,
    verify,
)
from scheduler.promises import PromiseCheck
from tests.scheduler.events_support import (
    CUSTOMER,
    EVENTS_ON,
    SECRET_ENV,
    SUPPORT,
    T0,
    MemorySms,
    World,
    build_world,
)

SECRET = "s3cret-for-tests"
URL = "https://hooks.example.com/holdless"


@dataclass
class Receiver:
    """An httpx mock transport answering with `statuses` in turn (then 200), keeping requests."""

    statuses: list[int] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        self.answered.append(self.statuses.pop(0) if self.statuses else 200)
        return httpx.Response(self.answered[-1])

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.received]


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated SQLite file, disposed after the test."""
    engine = make_engine(sqlite_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> World:
    return build_world(sqlite_engine, tmp_path, EVENTS_ON)


def _delivery(world: World, receiver: Receiver, secret: str | None = SECRET) -> EventDelivery:
    environ = {} if secret is None else {SECRET_ENV: secret}
    transport = httpx.MockTransport(receiver.handle)
    return EventDelivery(world.holder, world.events, world.clock, environ, transport)


def _broken(world: World) -> None:
    world.promised()
    world.clock.now = T0 + timedelta(hours=1)
    PromiseCheck(world.holder, world.events, world.calls, MemorySms(), world.clock).run()


def test_backoff_doubles_from_ten_seconds_up_to_an_hour() -> None:
    waits = [backoff(n).total_seconds() for n in (1, 2, 3, 4, 9, 10, 100)]
    assert waits == [10, 20, 40, 80, 2560, 3600, 3600]


def test_an_event_is_posted_signed_over_its_raw_body(world: World) -> None:
    _broken(world)
    receiver = Receiver()
    assert _delivery(world, receiver).run() == Delivered(sent=1)
    [request] = receiver.received
    assert str(request.url) == URL
    assert verify(SECRET.encode(), request.content, request.headers[SIGNATURE_HEADER])
    assert not verify(b"another secret", request.content, request.headers[SIGNATURE_HEADER])
    assert request.headers[TIMESTAMP_HEADER] == str(int(world.clock.now.timestamp()))
    [body] = receiver.bodies()
    assert body["type"] == "promise_broken"
    assert body["queue"] == "support"
    assert body["state"] == "waiting"
    assert "number" not in body
    assert [e.attempts for e in world.events.outbox()] == [1]


def test_a_delivered_event_is_not_sent_again(world: World) -> None:
    _broken(world)
    receiver = Receiver()
    delivery = _delivery(world, receiver)
    delivery.run()
    world.clock.now += timedelta(hours=2)
    assert delivery.run() == Delivered()
    assert len(receiver.received) == 1


def test_the_number_is_sent_only_when_the_config_says_so(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    world = build_world(sqlite_engine, tmp_path, EVENTS_ON + "include_number = true\n")
    _broken(world)
    receiver = Receiver()
    _delivery(world, receiver).run()
    assert receiver.bodies()[0]["number"] == CUSTOMER


def test_a_failed_delivery_is_retried_after_its_backoff(world: World) -> None:
    _broken(world)
    receiver = Receiver(statuses=[500])
    delivery = _delivery(world, receiver)
    assert delivery.run() == Delivered(retried=1)
    world.clock.now += backoff(1) - timedelta(seconds=1)
    assert delivery.run() == Delivered()  # not due yet
    world.clock.now += timedelta(seconds=1)
    assert delivery.run() == Delivered(sent=1)
    first, second = receiver.bodies()
    assert first["id"] == second["id"]  # the same event: receivers de-duplicate by id


def test_an_unreachable_receiver_counts_as_a_failed_attempt(world: World) -> None:
    _broken(world)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    delivery = EventDelivery(
        world.holder, world.events, world.clock, {SECRET_ENV: SECRET}, httpx.MockTransport(refuse)
    )
    assert delivery.run() == Delivered(retried=1)


def test_delivery_gives_up_after_the_configured_attempts_and_keeps_the_event(
    world: World,
) -> None:
    _broken(world)
    receiver = Receiver(statuses=[500, 503, 500, 500])
    delivery = _delivery(world, receiver)
    outcomes = []
    for _ in range(4):
        outcomes.append(delivery.run())
        world.clock.now += timedelta(hours=1)
    assert outcomes == [
        Delivered(retried=1),
        Delivered(retried=1),
        Delivered(gave_up=1),
        Delivered(),
    ]
    [event] = world.events.outbox()
    assert event.attempts == 3  # max_attempts in EVENTS_ON


def test_without_the_secret_nothing_is_sent_and_events_wait(world: World) -> None:
    _broken(world)
    receiver = Receiver()
    assert _delivery(world, receiver, secret=None).run() == Delivered()
    assert receiver.received == []
    assert _delivery(world, receiver).run() == Delivered(sent=1)


def test_event_for_maps_states_to_events() -> None:
    assert event_for(None, State.WAITING, 1) is EventKind.REQUESTED
    assert event_for(None, State.SCHEDULED, 1) is EventKind.SCHEDULED
    assert event_for(Seen(State.WAITING, 1), State.WAITING, 1) is None
    assert event_for(Seen(State.WAITING, 1), State.WAITING, 2) is EventKind.MERGED
    assert event_for(Seen(State.WAITING, 1), State.DIALING, 1) is EventKind.DIALING
    assert event_for(Seen(State.DIALING, 1), State.WAITING, 1) is None  # a retry
    assert event_for(Seen(State.CONNECTED, 1), State.COMPLETED, 1) is EventKind.COMPLETED
    assert event_for(Seen(State.WAITING, 1), State.EXPIRED, 1) is EventKind.EXPIRED


def _kinds(world: World) -> list[EventKind]:
    return [event.kind for event in world.events.outbox()]


@pytest.fixture
def any_world(engine: Engine, tmp_path: Path) -> World:
    """A world with events on, on SQLite and on PostgreSQL."""
    return build_world(engine, tmp_path, EVENTS_ON)


def test_state_changes_become_events_once_each_and_after_they_settle(any_world: World) -> None:
    world = any_world
    scan = state_change_job(world.holder, world.events, world.clock)
    request = world.promised()  # the announcement touches the row again: still one event
    assert scan() == 0  # too recent: a slower commit could still land before it
    world.clock.now = T0 + SETTLE
    assert scan() == 1
    assert scan() == 0
    again = Incoming(ContextEntry(Channel.SMS, world.clock.now, {}), virtual_start=T0)
    world.store.enqueue(SUPPORT, CUSTOMER, again, world.clock.now)
    world.store.transition(request, State.CANCELLED, world.clock.now + timedelta(seconds=1))
    world.clock.now += timedelta(minutes=1)
    scan()
    # The merge and the cancel happened between two scans: only the latest state is seen.
    assert _kinds(world) == [EventKind.REQUESTED, EventKind.CANCELLED]


def test_a_merge_seen_on_its_own_is_an_event(world: World) -> None:
    scan = state_change_job(world.holder, world.events, world.clock)
    world.promised()
    world.clock.now = T0 + timedelta(minutes=1)
    scan()
    again = Incoming(ContextEntry(Channel.SMS, world.clock.now, {}), virtual_start=T0)
    world.store.enqueue(SUPPORT, CUSTOMER, again, world.clock.now)
    world.clock.now += timedelta(minutes=1)
    scan()
    assert _kinds(world) == [EventKind.REQUESTED, EventKind.MERGED]


def test_with_events_off_the_scan_moves_on_without_queueing(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    world = build_world(sqlite_engine, tmp_path)
    world.promised()
    world.clock.now = T0 + timedelta(minutes=1)
    assert state_change_job(world.holder, world.events, world.clock)() == 0
    assert world.events.outbox() == []


def test_no_event_is_lost_across_failures(world: World) -> None:
    scan = state_change_job(world.holder, world.events, world.clock)
    for n in range(5):
        world.promised(number=CUSTOMER[:-1] + str(n))  # type: ignore[arg-type]
    world.clock.now = T0 + timedelta(minutes=1)
    scan()
    receiver = Receiver(statuses=[500, 200, 500, 503, 200, 500])
    delivery = _delivery(world, receiver)
    for _ in range(4):
        delivery.run()
        world.clock.now += timedelta(minutes=5)
    outbox = world.events.outbox()
    assert len(outbox) == 5
    pairs = zip(receiver.bodies(), receiver.answered, strict=True)
    accepted = [body["id"] for body, status in pairs if status == 200]
    # Every event was accepted exactly once, whatever failed before.
    assert sorted(accepted) == sorted(event.id for event in outbox)
