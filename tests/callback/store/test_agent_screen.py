"""The agent's screen's reads and the wrap-up note, on each backend: only the agent's own
offer, the person's history by number, one note per offer that ends wrap-up."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.exc import IntegrityError

from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.request import CallbackRequest
from callback.store import QueueStore, make_engine, upgrade
from callback.store.agent_screen import AgentScreenStore, Glance
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.held_history import HELD_CALLER_NOTE, HeldCallerNotes
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.wrap_up import NoteExists, OfferKind, WrapUp, WrapUpStore
from callback.types import AgentId, Channel, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number

ALICE, BORIS = AgentId("alice"), AgentId("boris")


def _wrap_up(engine: Engine, agent: AgentId) -> None:
    """Presence as the dispatcher leaves it after a call the agent spoke in."""
    presence = PresenceStore(engine)
    for ended in presence.ended_offers():
        if ended.agent_id == agent:
            until = at(30) + timedelta(minutes=5)
            assert presence.finish_offer(
                ended, AgentStatus.WRAP_UP, at(30), unanswered=0, until=until
            )


def _note(kind: OfferKind, offer_id: int, agent: AgentId = ALICE) -> WrapUp:
    return WrapUp(kind, offer_id, agent, "alice-user", None, "resolved", "Sent a new meter.")


def test_a_busy_agent_sees_the_callback_being_dialled_with_its_history(store: QueueStore) -> None:
    older = store.enqueue(SALES, number(1), incoming(0, channel=Channel.IVR), at(0)).request
    store.transition(older.id, State.CANCELLED, at(1))
    store.enqueue(SALES, number(2), incoming(0), at(0))  # another number: not history
    booked = incoming(2, name="Ada Lovelace", reason="billing", page="/tariffs", order="A-17")
    request = store.enqueue(SUPPORT, number(1), booked, at(2)).request
    claim = claim_next(store, SUPPORT, at(3), LEASE, ALICE)
    assert claim is not None and claim.request.id == request.id
    screen = AgentScreenStore(store.engine)
    party = screen.party(ALICE)
    assert party is not None and party.request is not None
    assert (party.offer.kind, party.offer.id, party.offer.ended_at) == (
        OfferKind.CALLBACK,
        claim.attempt_id,
        None,
    )
    assert party.request.name == "Ada Lovelace"
    assert [e.id for e in party.earlier] == [older.id]
    assert party.earlier[0].queue == SALES and party.earlier[0].state == State.CANCELLED.value
    assert [(a.agent_id, a.outcome) for a in party.attempts] == [(ALICE, None)]
    assert screen.party(BORIS) is None  # boris has nothing, and never sees alice's
    assert screen.glance(ALICE) == Glance("busy", party.offer, talking=False)
    store.transition(request.id, State.CONNECTED, at(4))
    assert screen.glance(ALICE).talking is True


def test_after_the_call_the_party_stays_until_its_note_and_the_note_ends_wrap_up(
    store: QueueStore,
) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE, ALICE)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, "connected", at(20))
    _wrap_up(store.engine, ALICE)
    screen, notes = AgentScreenStore(store.engine), WrapUpStore(store.engine)
    offer = screen.offer_now(ALICE)
    assert offer is not None and offer.talked and offer.ended_at == at(20)
    note = WrapUp(
        OfferKind.CALLBACK, claim.attempt_id, ALICE, "alice", claim.request.id, "resolved", "ok"
    )
    assert notes.write(note, at(31)) is True
    presence = PresenceStore(store.engine).get(ALICE)
    assert presence is not None and presence.status is AgentStatus.AVAILABLE
    assert presence.cause == "wrap-up done: resolved"
    assert screen.offer_now(ALICE) is None
    stored = notes.for_offer(OfferKind.CALLBACK, claim.attempt_id)
    assert stored is not None
    assert (stored.request_id, stored.disposition, stored.notes, stored.at) == (
        claim.request.id,
        "resolved",
        "ok",
        at(31),
    )
    with pytest.raises(NoteExists):
        notes.write(note, at(32))
    assert notes.for_offer(OfferKind.HELD, claim.attempt_id) is None


def test_a_note_after_wrap_up_ran_out_is_kept_and_moves_no_presence(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE, ALICE)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, "connected", at(20))
    _wrap_up(store.engine, ALICE)
    presence = PresenceStore(store.engine)
    assert presence.end_wrap_ups(at(40)) == [ALICE]
    assert AgentScreenStore(store.engine).offer_now(ALICE) is not None  # the note is still due
    assert (
        WrapUpStore(store.engine).write(_note(OfferKind.CALLBACK, claim.attempt_id), at(41))
        is False
    )
    current = presence.get(ALICE)
    assert current is not None and current.cause == "wrap-up over"


def test_an_offer_nobody_spoke_in_needs_no_note(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE, ALICE)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, "no_answer", at(2))
    screen = AgentScreenStore(store.engine)
    ended = screen.offer_now(ALICE)  # still held busy until the dispatcher follows the call
    assert ended is not None and ended.ended_at == at(2) and not ended.talked
    presence = PresenceStore(store.engine)
    [offer] = presence.ended_offers()
    assert presence.finish_offer(offer, AgentStatus.AVAILABLE, at(3), unanswered=0)
    assert screen.offer_now(ALICE) is None


def _eligible(_request: CallbackRequest, _due: object) -> Eligible:
    return Eligible()


def _budget(_snapshot: Snapshot) -> Budget:
    return Budget(0, Limit.RESERVED_FOR_LIVE)


def test_a_caller_on_hold_is_shown_with_the_reason_chosen_in_the_menu(engine: Engine) -> None:
    held = HeldStore(engine)
    joining = Joining("CA" + "7" * 32, SUPPORT, "QU" + "1" * 32, "ru", 0, at(0))
    caller = held.join(joining, at(1))
    CallStore(engine).note(caller.call_sid, "reason", "billing", at(1))
    presence = PresenceStore(engine)
    presence.sync_roster([ALICE], at(0))
    assert presence.set_status(ALICE, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "t")
    wanted = Offer(SUPPORT, ALICE, (ALICE,), LEASE, _eligible, _budget, True)
    claim = DispatchStore(engine).offer(wanted, at(2)).held
    assert claim is not None
    party = AgentScreenStore(engine).party(ALICE)
    assert party is not None and party.held is not None and party.request is None
    assert party.offer.kind is OfferKind.HELD
    assert (party.held.language, party.held.reason, party.held.waiting_since) == (
        "ru",
        "billing",
        at(0),
    )
    assert party.held.bridged is False
    assert AgentScreenStore(engine).glance(ALICE) == Glance("busy", party.offer, talking=False)
    assert AgentScreenStore(engine).glance(BORIS) == Glance("offline", None, talking=False)
    notes = HeldCallerNotes(engine)
    assert notes.note(caller.id, claim.caller.fence + 1, number(9), at(3)) is False  # no such offer
    assert notes.note(caller.id, claim.caller.fence, number(1), at(3)) is True
    assert notes.note(caller.id, claim.caller.fence, number(2), at(4)) is True  # a retried step
    party = AgentScreenStore(engine).party(ALICE)
    assert party is not None and party.held is not None
    assert (party.held.number, party.earlier) == ("+44 ******* 01", ())  # the first note stays
    assert AgentScreenStore(engine).glance(ALICE).noted is True


def test_a_purged_number_matches_no_earlier_request(store: QueueStore) -> None:
    first = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    store.transition(first.id, State.CANCELLED, at(1))
    store.enqueue(SUPPORT, number(1), incoming(2), at(2))
    claim = claim_next(store, SUPPORT, at(3), LEASE, ALICE)
    assert claim is not None
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE callback_request SET number = ''"))
    party = AgentScreenStore(store.engine).party(ALICE)
    assert party is not None and party.earlier == ()


def test_notes_are_erased_with_the_person_and_deleted_with_the_history(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE, ALICE)
    assert claim is not None
    store.transition(claim.request.id, State.CONNECTED, at(2))
    assert store.finish_attempt(claim.attempt_id, claim.fence, "connected", at(20))
    store.transition(claim.request.id, State.COMPLETED, at(20))
    notes = WrapUpStore(store.engine)
    kinds = ((OfferKind.CALLBACK, claim.attempt_id, claim.request.id), (OfferKind.HELD, 77, None))
    for kind, offer_id, request_id in kinds:
        note = WrapUp(kind, offer_id, ALICE, "alice", request_id, "resolved", "Lives at 4 Elm Rd")
        notes.write(note, at(21))
    row = {"offer_id": 77, "masked": "+44 ******* 01", "earlier": [], "at": at(21)}
    with store.engine.begin() as connection:
        connection.execute(insert(HELD_CALLER_NOTE).values(row))
    store.purge(at(21) + timedelta(days=2), timedelta(days=1), timedelta(days=30))
    erased = notes.for_offer(OfferKind.CALLBACK, claim.attempt_id)
    assert erased is not None and erased.notes == "" and erased.disposition == "resolved"
    kept = notes.for_offer(OfferKind.HELD, 77)
    assert kept is not None and kept.notes == "Lives at 4 Elm Rd"  # no request to purge by
    store.purge(at(21) + timedelta(days=31), timedelta(days=1), timedelta(days=30))
    assert notes.for_offer(OfferKind.CALLBACK, claim.attempt_id) is None
    assert notes.for_offer(OfferKind.HELD, 77) is None
    with store.engine.connect() as connection:
        assert connection.execute(select(HELD_CALLER_NOTE)).all() == []


def test_the_screen_reads_by_index_only(sqlite_url: str) -> None:
    """SQLite's plans of every read: no table of the history is scanned whole."""
    engine = make_engine(sqlite_url)
    upgrade(sqlite_url)
    store = QueueStore(engine)
    earlier = store.enqueue(SALES, number(1), incoming(0), at(0)).request
    store.transition(earlier.id, State.CANCELLED, at(1))
    store.enqueue(SUPPORT, number(1), incoming(2), at(2))
    assert claim_next(store, SUPPORT, at(3), LEASE, ALICE) is not None
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    screen = AgentScreenStore(engine)
    screen.party(ALICE)
    screen.glance(BORIS)  # nothing held: the latest offers of each kind are looked up
    event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        plans = [
            " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", p))
            for sql, p in statements
        ]
    engine.dispose()
    assert len(plans) >= 8
    scans = [plan for plan in plans if re.search(r"\bSCAN (?!CONSTANT)", plan)]
    assert scans == [], scans
    assert any("ix_callback_request_number_created" in plan for plan in plans)
    assert any("ix_dial_attempt_agent_claimed" in plan for plan in plans)
    assert any("ix_held_offer_agent_claimed" in plan for plan in plans)


def test_a_store_error_other_than_a_second_note_is_not_taken_for_one(store: QueueStore) -> None:
    broken = WrapUp(OfferKind.HELD, 5, ALICE, None, None, "resolved", "x")  # type: ignore[arg-type]
    with pytest.raises(IntegrityError) as raised:
        WrapUpStore(store.engine).write(broken, at(0))
    assert not isinstance(raised.value, NoteExists)
    assert WrapUpStore(store.engine).for_offer(OfferKind.HELD, 5) is None


def test_a_busy_agent_whose_offer_vanished_sees_nobody(store: QueueStore) -> None:
    presence = PresenceStore(store.engine)
    presence.sync_roster([ALICE], at(0))
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE agent_presence SET status = 'busy', attempt_id = 4242"
                " WHERE agent_id = 'alice'"
            )
        )
    screen = AgentScreenStore(store.engine)
    assert screen.offer_now(ALICE) is None and screen.party(ALICE) is None
