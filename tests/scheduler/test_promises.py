"""The promise check: broken promises are marked and counted once, with their recovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.service.ports import SmsAbout
from callback.store import make_engine
from callback.store.events import EventKind
from callback.store.request_sms import SmsKind
from callback.store.tables import REQUEST
from callback.types import E164, Channel, State
from scheduler.promises import PromiseCheck
from tests.scheduler.events_support import (
    CUSTOMER,
    EVENTS_ON,
    SUPPORT,
    T0,
    MemorySms,
    World,
    build_world,
)

OTHER = E164("+442079460457")


def _check(world: World, sms: MemorySms) -> PromiseCheck:
    return PromiseCheck(world.holder, world.events, world.calls, sms, world.clock)


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
    return build_world(sqlite_engine, tmp_path)


def test_a_promise_not_yet_due_is_not_broken(world: World) -> None:
    world.promised(by=timedelta(minutes=10))
    sms = MemorySms()
    world.clock.now = T0 + timedelta(minutes=10)
    assert _check(world, sms).run() == 0
    assert sms.sent == []


@pytest.fixture
def any_world(engine: Engine, tmp_path: Path) -> World:
    """A world on SQLite and on PostgreSQL."""
    return build_world(engine, tmp_path)


def test_a_broken_promise_is_counted_once_and_apologised_for_once(any_world: World) -> None:
    world = any_world
    request_id = world.promised(by=timedelta(minutes=10))
    sms = MemorySms()
    check = _check(world, sms)
    world.clock.now = T0 + timedelta(minutes=11)
    assert check.run() == 1
    world.clock.now = T0 + timedelta(minutes=12)
    assert check.run() == 0
    assert world.events.broken_promises(T0) == 1
    assert world.events.broken_promises(T0 + timedelta(minutes=12)) == 0
    [(to, body)] = sms.sent
    assert to == CUSTOMER
    # Never dialled: en.toml's sms_apology_not_called, company and first service number.
    assert body.startswith("Example Energy: sorry, we have not called you back")
    assert "tried" not in body
    assert body.endswith("+442079460000.")
    assert sms.about == [SmsAbout(request_id, SmsKind.APOLOGY)]


def test_a_customer_dialled_and_not_reached_is_told_we_tried(any_world: World) -> None:
    world = any_world
    request = world.promised(by=timedelta(minutes=10))
    # As a dial that was not answered leaves it: back in line, one attempt made.
    with world.store.engine.begin() as connection:
        connection.execute(update(REQUEST).where(REQUEST.c.id == request).values(attempts=1))
    sms = MemorySms()
    world.clock.now = T0 + timedelta(minutes=11)
    assert _check(world, sms).run() == 1
    [(_, body)] = sms.sent
    assert body.startswith("Example Energy: sorry, we tried to call you back")
    assert body.endswith("+442079460000.")


@pytest.mark.parametrize("language", ["en", "ru", "fa", "is"])
@pytest.mark.parametrize("attempts", [0, 1])
def test_each_language_says_what_happened(world: World, language: str, attempts: int) -> None:
    request = world.promised(language=language)
    with world.store.engine.begin() as connection:
        values = {"attempts": attempts}
        connection.execute(update(REQUEST).where(REQUEST.c.id == request).values(values))
    sms = MemorySms()
    world.clock.now = T0 + timedelta(hours=1)
    _check(world, sms).run()
    [(_, body)] = sms.sent
    config = world.holder.current
    key = "sms_apology" if attempts else "sms_apology_not_called"
    number = config.service.numbers[0]
    expected = config.catalogue.render(language, key, company="Example Energy", number=number)
    assert body == expected
    other = "sms_apology_not_called" if attempts else "sms_apology"
    assert body != config.catalogue.render(language, other, company="Example Energy", number=number)


def test_the_apology_is_in_the_requests_language(world: World) -> None:
    world.promised(language="is")
    sms = MemorySms()
    world.clock.now = T0 + timedelta(hours=1)
    _check(world, sms).run()
    [(_, body)] = sms.sent
    assert "Því miður" in body


def test_an_opted_out_number_gets_no_apology_but_the_promise_still_counts(world: World) -> None:
    world.promised(CUSTOMER)
    world.promised(OTHER)
    world.calls.suppress(CUSTOMER, T0)
    sms = MemorySms()
    world.clock.now = T0 + timedelta(hours=1)
    assert _check(world, sms).run() == 2
    assert [to for to, _ in sms.sent] == [OTHER]


def test_a_request_dialled_or_finished_in_time_is_no_broken_promise(world: World) -> None:
    request = world.promised()
    world.store.transition(request, State.CANCELLED, T0 + timedelta(minutes=1))
    world.clock.now = T0 + timedelta(hours=1)
    assert _check(world, MemorySms()).run() == 0


def test_a_request_without_a_promise_is_never_broken(world: World) -> None:
    incoming = Incoming(ContextEntry(Channel.WEB, T0, {}), virtual_start=T0)
    world.store.enqueue(SUPPORT, CUSTOMER, incoming, T0)
    world.clock.now = T0 + timedelta(days=1)
    assert _check(world, MemorySms()).run() == 0


def test_without_events_no_promise_broken_event_is_queued(world: World) -> None:
    world.promised()
    world.clock.now = T0 + timedelta(hours=1)
    _check(world, MemorySms()).run()
    assert world.events.outbox() == []


def test_with_events_on_a_promise_broken_event_is_queued(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    world = build_world(sqlite_engine, tmp_path, EVENTS_ON)
    request = world.promised()
    world.clock.now = T0 + timedelta(hours=1)
    _check(world, MemorySms()).run()
    [event] = world.events.outbox()
    assert (event.kind, event.request_id, event.state) == (
        EventKind.PROMISE_BROKEN,
        request,
        State.WAITING,
    )


def test_the_apology_can_be_turned_off(sqlite_engine: Engine, tmp_path: Path) -> None:
    world = build_world(sqlite_engine, tmp_path, "\n[promises]\napology_sms = false\n")
    world.promised()
    world.clock.now = T0 + timedelta(hours=1)
    sms = MemorySms()
    assert _check(world, sms).run() == 1
    assert sms.sent == []
