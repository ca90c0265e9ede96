"""Places in the one line, on each backend: callers on hold and callbacks count each other in
the dispatcher's order, a worse place is explained, and a missed request knows its next try."""

from __future__ import annotations

from sqlalchemy import Engine, select

from callback.ordering import MoveReason, Position
from callback.store import QueueStore
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldCaller, HeldState
from callback.store.places import ANNOUNCED, Ahead, Place, Places
from callback.store.tables import CALL_EVENT
from callback.types import State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def _hold(
    engine: Engine, sid: str, start: float, priority: int = 0, joined: float | None = None
) -> HeldCaller:
    """A caller who arrived at `start` holding from `joined` (default: `start`)."""
    joining = Joining(sid, SUPPORT, "QU" + "2" * 32, "en", priority, at(start))
    return HeldStore(engine).join(joining, at(start if joined is None else joined))


def _announcements(engine: Engine, sid: str) -> list[str]:
    events = CALL_EVENT.c
    query = select(events.status).where(events.sid == sid, events.kind == ANNOUNCED)
    with engine.connect() as connection:
        return list(connection.execute(query.order_by(events.id)).scalars())


def _place(caller: HeldCaller) -> Place:
    return Place(caller.queue, caller.priority, caller.virtual_start, held_id=caller.id)


def test_callers_on_hold_and_callbacks_count_each_other(engine: Engine) -> None:
    store, places = QueueStore(engine), Places(engine)
    urgent = _hold(engine, "CA-urgent", 5, priority=1)
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    held = _hold(engine, "CA-held", 1)
    mine = store.enqueue(SUPPORT, number(2), incoming(3), at(3)).request
    store.enqueue(SUPPORT, number(3), incoming(6), at(6))  # behind everyone above
    store.enqueue(SALES, number(4), incoming(0), at(0))  # another queue's line
    _hold(engine, "CA-later", 8)
    # The order: urgent (priority), first (0), held (1), mine (3), the one at 6, later (8).
    assert store.position(mine.id, at(10)) == Position(ahead=3, on_hold=2)
    assert places.held(_place(held), held.call_sid, at(10)) == Position(ahead=2, on_hold=1)
    assert places.ahead(Place(SUPPORT, 0, at(10)), at(10)) == Ahead(total=6, on_hold=3)
    assert places.ahead(Place(SUPPORT, 1, at(10)), at(10)) == Ahead(total=1, on_hold=1)
    # Out of the line (took a callback, offered, served): no longer ahead of anyone.
    assert HeldStore(engine).finish_holding(urgent, HeldState.LEFT, at(11)) is not None
    assert store.position(mine.id, at(12)) == Position(ahead=2, on_hold=1)


def test_on_a_tie_the_caller_on_hold_goes_first(engine: Engine) -> None:
    store, places = QueueStore(engine), Places(engine)
    request = store.enqueue(SUPPORT, number(1), incoming(2), at(2)).request
    held = _hold(engine, "CA-tie", 2)
    assert store.position(request.id, at(3)) == Position(ahead=1, on_hold=1)
    assert places.held(_place(held), held.call_sid, at(3)) == Position(ahead=0)


def test_a_caller_on_hold_is_told_why_more_are_ahead(engine: Engine) -> None:
    store, places = QueueStore(engine), Places(engine)
    mine = _hold(engine, "CA-mine", 5)
    told = places.held(_place(mine), mine.call_sid, at(6))
    places.announce(mine.call_sid, told, at(6))
    store.enqueue(SUPPORT, number(1), incoming(7, priority=2), at(7))
    worse = places.held(_place(mine), mine.call_sid, at(8))
    assert worse == Position(1, previous_ahead=0, reasons=(MoveReason.PRIORITY,))
    places.announce(mine.call_sid, worse, at(8))
    again = places.held(_place(mine), mine.call_sid, at(8))
    assert again == Position(1, previous_ahead=1)  # as announced: nothing to explain
    places.announce(mine.call_sid, again, at(8))  # unchanged: nothing new to remember
    assert _announcements(engine, mine.call_sid) == ["0", "1"]
    # A caller who arrived earlier in a queue the config folded into this one keeps that place.
    elsewhere = Joining("CA-moved", SALES, "QU" + "3" * 32, "en", 0, at(1))
    HeldStore(engine).join(elsewhere, at(1))
    assert HeldStore(engine).move("CA-moved", SUPPORT, at(9))
    moved = places.held(_place(mine), mine.call_sid, at(10))
    assert moved == Position(2, previous_ahead=1, reasons=(MoveReason.EARLIER_ARRIVAL,), on_hold=1)


def test_a_callback_is_told_when_a_more_urgent_caller_holds_ahead(engine: Engine) -> None:
    store = QueueStore(engine)
    mine = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    store.record_announcement(mine.id, 0, None, at(1))
    _hold(engine, "CA-urgent", 2, priority=3)
    _hold(engine, "CA-before", 0, joined=2)  # arrived before the callback, holds from now
    position = store.position(mine.id, at(3))
    reasons = (MoveReason.PRIORITY, MoveReason.EARLIER_ARRIVAL)
    assert position == Position(2, previous_ahead=0, reasons=reasons, on_hold=2)


def test_a_missed_request_knows_its_next_try(engine: Engine) -> None:
    store, places = QueueStore(engine), Places(engine)
    missed = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    never = store.enqueue(SUPPORT, number(2), incoming(1), at(1)).request
    assert claim_next(store, SUPPORT, at(2), LEASE) is not None
    store.transition(missed.id, State.WAITING, at(3), expected=State.DIALING, due_at=at(8))
    assert places.next_try(missed.id, at(4)) == at(8)
    assert store.position(missed.id, at(4)) is None
    assert places.next_try(missed.id, at(8)) is None  # due: back in line
    assert places.next_try(never.id, at(4)) is None
    store.transition(missed.id, State.CANCELLED, at(5))
    assert places.next_try(missed.id, at(6)) is None
