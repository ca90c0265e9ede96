"""A rescheduled callback is not apologised to for the wait it was promised before.

Booked for a slot, a request is promised no wait (the slot is the promise): moving it to a
later time, by the console or the API (`steer.move_to`) or by the customer asking again for
a slot (the call's menu, the web: a merge), withdraws the old promise in the same
transaction, and what it was told ends as `left`, outside the accuracy figures.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from callback.merge import Incoming
from callback.request import ContextEntry, Slot
from callback.service import steer
from callback.store.announcements import ANNOUNCEMENT, Told, told_request
from callback.store.engine import write_transaction
from callback.types import Channel, RequestId, State
from scheduler.promises import PromiseCheck
from tests.scheduler.events_support import CUSTOMER, SUPPORT, T0, MemorySms, World, build_world

LATER = T0 + timedelta(hours=2)
"""The new time: well after the old promise (ten minutes after T0)."""


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    """A world on SQLite and on PostgreSQL."""
    return build_world(engine, tmp_path)


def _promised(world: World) -> RequestId:
    """A web request promised a call within ten minutes, and what it was told then."""
    request = world.promised(by=timedelta(minutes=10))
    minutes = timedelta(minutes=10)
    told = Told(SUPPORT, "web", T0, 0, minutes / 2, minutes / 4, minutes, T0 + minutes)
    with write_transaction(world.store.engine) as connection:
        told_request(connection, request, told)
    return request


def _by_console(world: World, request: RequestId) -> None:
    steer.move_to(world.store, request, LATER, world.clock.now)


def _by_customer(world: World, request: RequestId) -> None:
    now = world.clock.now
    slot = Slot(LATER, LATER + timedelta(minutes=30))
    incoming = Incoming(ContextEntry(Channel.IVR, now, {"source": "reschedule"}), now, slot=slot)
    merged = world.store.enqueue(SUPPORT, CUSTOMER, incoming, now)
    assert merged.merged is not None and merged.request.id == request


def _told(world: World) -> list[tuple[str | None, object]]:
    query = select(ANNOUNCEMENT.c.outcome, ANNOUNCEMENT.c.ended_at)
    with world.store.engine.connect() as connection:
        return [(outcome, ended) for outcome, ended in connection.execute(query)]


@pytest.mark.parametrize("move", [_by_console, _by_customer], ids=["console", "customer"])
def test_no_apology_for_a_request_rescheduled_to_later(world: World, move: object) -> None:
    request = _promised(world)
    world.clock.now = T0 + timedelta(minutes=2)
    assert callable(move)
    move(world, request)
    moved = world.store.get(request)
    assert moved is not None and moved.state is State.SCHEDULED and moved.promise is None
    assert _told(world) == [("left", T0 + timedelta(minutes=2))]
    sms = MemorySms()
    check = PromiseCheck(world.holder, world.events, world.calls, sms, world.clock)
    world.clock.now = T0 + timedelta(minutes=30)  # the old promise is long past
    assert check.run() == 0
    assert sms.sent == [] and world.events.broken_promises(T0) == 0


def test_a_request_asked_again_without_a_new_time_keeps_its_promise(world: World) -> None:
    request = _promised(world)
    now = world.clock.now
    world.store.enqueue(SUPPORT, CUSTOMER, Incoming(ContextEntry(Channel.WEB, now, {}), now), now)
    kept = world.store.get(request)
    assert kept is not None and kept.promise is not None
    assert kept.promise.by == T0 + timedelta(minutes=10)
    assert _told(world) == [(None, None)]
