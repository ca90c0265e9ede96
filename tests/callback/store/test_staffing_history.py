"""The history staffing advice reads, on each backend, written by the store's own paths: the one
read the simulation's profile starts from too, counted as advice counts it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.history import Arrival, History, Hold, Occupation, measured
from callback.request import CallbackRequest
from callback.store import QueueStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldClaim, HeldState
from callback.store.history import read_history
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId, QueueName
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number

ANN, BOB, CAT, DAN = AgentId("ann"), AgentId("bob"), AgentId("cat"), AgentId("dan")


def _advice_history(
    engine: Engine, queues: list[QueueName], start: datetime, end: datetime, now: datetime
) -> History:
    """The window as staffing advice reads it."""
    return measured(read_history(engine, start, end, now=now, queues=queues), now)


def _joining(sid: str, minute: float, queue: QueueName = SUPPORT) -> Joining:
    return Joining(sid, queue, "QU" + "1" * 32, "en", 0, at(minute))


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _reserved(_snapshot: Snapshot) -> Budget:
    return Budget(0, Limit.RESERVED_FOR_LIVE)  # this agent takes only callers on hold


def _take_held(engine: Engine, agent: AgentId, minute: float) -> HeldClaim:
    """`agent` logs in and takes the head of the held callers at `minute`."""
    presence = PresenceStore(engine)
    presence.sync_roster([agent], at(0))
    assert presence.set_status(agent, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "in")
    offer = Offer(SUPPORT, agent, (agent,), LEASE, _eligible, _reserved)
    claim = DispatchStore(engine).offer(offer, at(minute)).held
    assert claim is not None
    return claim


def _serve_held(engine: Engine, held: HeldStore, minutes: tuple[float, float, float]) -> None:
    """CAT takes the caller on hold at the first minute, talks until the second and wraps
    up until the third."""
    claimed, ended, free = minutes
    claim = _take_held(engine, CAT, claimed)
    assert held.end(claim.caller, HeldState.SERVED, "connected", at(ended)) is not None
    presence = PresenceStore(engine)
    assert presence.set_status(CAT, AgentStatus.BUSY, AgentStatus.WRAP_UP, at(ended), "wrap")
    assert presence.set_status(CAT, AgentStatus.WRAP_UP, AgentStatus.AVAILABLE, at(free), "ok")


def _dial(
    store: QueueStore, engine: Engine, agent: AgentId, minutes: tuple[float, float], outcome: str
) -> None:
    claim = claim_next(store, SUPPORT, at(minutes[0]), LEASE, agent)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, outcome, at(minutes[1]))


def test_arrivals_occupation_and_time_on_hold(engine: Engine, store: QueueStore) -> None:
    held = HeldStore(engine)
    held.join(_joining("CA-served", 1), at(2))
    _serve_held(engine, held, (8, 9, 11))  # claimed at 8 after 6 minutes on hold
    gone = held.join(_joining("CA-gone", 3), at(3))
    assert held.finish_holding(gone, HeldState.ABANDONED, at(5)) is not None
    switched = held.join(_joining("CA-switched", 4), at(4))
    assert held.finish_holding(switched, HeldState.LEFT, at(6)) is not None
    held.join(_joining("CA-talking", 7), at(7))
    _take_held(engine, DAN, 15)  # still ringing DAN or talking at 30
    held.join(_joining("CA-waiting", 16), at(16))
    held.join(_joining("CA-sales", 7, SALES), at(7))
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    store.enqueue(SUPPORT, number(2), incoming(1, slot=(120, 150)), at(1))  # a booked slot
    store.enqueue(SUPPORT, number(3), incoming(-5), at(-5))  # before the window
    _dial(store, engine, ANN, (10, 14), "connected")
    presence = PresenceStore(engine)
    assert presence.set_status(ANN, AgentStatus.BUSY, AgentStatus.WRAP_UP, at(14), "wrap")
    assert presence.set_status(ANN, AgentStatus.WRAP_UP, AgentStatus.AVAILABLE, at(16), "ok")
    store.enqueue(SUPPORT, number(4), incoming(19), at(19))
    _dial(store, engine, BOB, (20, 21), "no_answer")

    seen = _advice_history(engine, [SUPPORT], at(0), at(180), now=at(30))

    assert sorted(seen.arrivals, key=lambda a: a.at) == [
        Arrival(SUPPORT, at(0), False),
        Arrival(SUPPORT, at(2), True),  # joined the hold at 2 (the call came at 1)
        Arrival(SUPPORT, at(3), True),
        Arrival(SUPPORT, at(7), True),
        Arrival(SUPPORT, at(16), True),
        Arrival(SUPPORT, at(19), False),
        Arrival(SUPPORT, at(120), False),  # the slot's start, not when it was booked
    ]  # the caller who switched to a callback is not a held arrival
    assert sorted(seen.occupations, key=lambda o: o.at) == [
        Occupation(SUPPORT, at(8), 180.0, True),  # the held caller: 8 to 11, wrap-up included
        Occupation(SUPPORT, at(10), 360.0, True),  # the callback: 10 to 16
        Occupation(SUPPORT, at(20), 60.0, False),  # no answer: 20 to 21
    ]
    assert sorted(seen.holds, key=lambda h: h.at) == [
        Hold(SUPPORT, at(2), 360.0, False),  # until an agent took them at 8
        Hold(SUPPORT, at(3), 120.0, True),  # hung up at 5
        Hold(SUPPORT, at(4), 120.0, False),  # left for a callback at 6
        Hold(SUPPORT, at(7), 480.0, False),  # until DAN's offer at 15, still open
        Hold(SUPPORT, at(16), 14 * 60.0, False),  # still holding at 30
    ]


def test_the_window_and_the_queues_bound_what_is_read(engine: Engine, store: QueueStore) -> None:
    HeldStore(engine).join(_joining("CA-sales", 5, SALES), at(5))
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    store.enqueue(SUPPORT, number(2), incoming(0), at(60))
    seen = _advice_history(engine, [SUPPORT], at(0), at(60), now=at(90))
    assert seen.arrivals == [Arrival(SUPPORT, at(0), False)]
    assert (list(seen.occupations), list(seen.holds)) == ([], [])
    both = _advice_history(engine, [SUPPORT, SALES], at(0), at(60), now=at(90))
    assert Arrival(SALES, at(5), True) in both.arrivals
