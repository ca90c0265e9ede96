"""Callers on hold in the end-to-end scenarios: bring them to hold, read their line rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callback.store.announcements import ANNOUNCEMENT
from callback.store.held_line import HeldCaller, HeldState
from callback.store.tables import HELD_OFFER
from devtools.carrier import CallHandle, Carrier
from devtools.carrier.records import RestExchange
from tests.e2e.conftest import World
from tests.e2e.steps import to_the_offer

MEMBERS = "/Members/"


async def to_hold(carrier: Carrier, caller: str) -> CallHandle:
    """A call about billing that lets the offer pass: it waits in the hold queue."""
    call = await to_the_offer(carrier, caller)
    await call.stay_silent()
    await call.until_gather()  # the first waitUrl round: the caller is in the line
    return call


def held(world: World, call: CallHandle) -> HeldCaller:
    """The caller's row in the line (it must exist)."""
    found = world.svc.held.held.by_sid(call.sid)
    assert found is not None, f"call {call.sid} never held"
    return found


def state(world: World, call: CallHandle) -> HeldState:
    """Where the caller stands in the line."""
    return held(world, call).state


def dequeues(world: World) -> list[RestExchange]:
    """The Queue Members requests the app sent, oldest first."""
    return [rest for rest in world.carrier.records.rest if MEMBERS in rest.path]


def dequeued(world: World) -> list[str]:
    """The CallSids the app asked to dequeue, in order."""
    return [rest.path.rsplit("/", 1)[1].removesuffix(".json") for rest in dequeues(world)]


def offers(world: World) -> list[tuple[int, str, str | None]]:
    """(held caller, agent, outcome) of every offer, oldest first."""
    query = select(HELD_OFFER.c.held_id, HELD_OFFER.c.agent_id, HELD_OFFER.c.outcome)
    with world.svc.store.engine.connect() as connection:
        rows = connection.execute(query.order_by(HELD_OFFER.c.id)).all()
    return [(held_id, agent, outcome) for held_id, agent, outcome in rows]


def announced(world: World) -> list[tuple[str | None, datetime | None]]:
    """How each announcement made to callers on hold ended, and when, oldest first."""
    _n = ANNOUNCEMENT.c
    query = select(_n.outcome, _n.ended_at).where(_n.held_id.is_not(None)).order_by(_n.id)
    with world.svc.store.engine.connect() as connection:
        return [(outcome, ended) for outcome, ended in connection.execute(query)]
