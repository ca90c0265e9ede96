"""The call store on SQLite and PostgreSQL: ranks, attempts by CallSid, hold, suppression."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update

from callback.merge import Incoming
from callback.request import ContextEntry, Slot
from callback.store import QueueStore
from callback.store.calls import FINAL_RANK, CallStore
from callback.store.records import Claim
from callback.store.settling import Ending, SettleStore
from callback.store.tables import REQUEST
from callback.types import E164, AgentId, Channel, QueueName, State
from tests.callback.store.support import claim_next

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
QUEUE = QueueName("support")
NUMBER = E164("+442079460456")


def test_a_status_applies_once_and_never_backwards(engine: Engine) -> None:
    calls = CallStore(engine)
    assert calls.advance("CA1", "ringing", 1, NOW)
    assert not calls.advance("CA1", "ringing", 1, NOW)  # duplicate
    assert calls.advance("CA1", "completed", FINAL_RANK, NOW)
    assert not calls.advance("CA1", "in-progress", 2, NOW)  # late
    record = calls.get("CA1")
    assert record is not None and (record.status, record.status_rank) == ("completed", 3)


def test_arrival_is_kept_from_the_first_webhook(engine: Engine) -> None:
    calls = CallStore(engine)
    first = calls.arrive("CA2", "inbound", QUEUE, NOW)
    again = calls.arrive("CA2", "inbound", QUEUE, NOW + timedelta(minutes=5))
    assert first.arrived_at == again.arrived_at == NOW


def test_an_arrival_finds_the_callers_unfinished_request_in_its_queue(store: QueueStore) -> None:
    calls = CallStore(store.engine)
    incoming = Incoming(ContextEntry(Channel.WEB, NOW, {}), virtual_start=NOW)
    stored = store.enqueue(QUEUE, NUMBER, incoming, NOW).request
    assert calls.arrive_known("CA5", QUEUE, E164("+442079460999"), NOW) is None
    assert calls.arrive_known("CA6", QueueName("sales"), NUMBER, NOW) is None
    found = calls.arrive_known("CA7", QUEUE, NUMBER, NOW)
    assert found is not None and found.id == stored.id
    assert calls.arrive_known("CA8", QUEUE, None, NOW) is None
    assert [calls.get(sid) is not None for sid in ("CA5", "CA6", "CA7", "CA8")] == [True] * 4


def test_a_repeated_arrival_keeps_the_first(engine: Engine) -> None:
    calls = CallStore(engine)
    calls.arrive_known("CA9", QUEUE, None, NOW)
    calls.arrive_known("CA9", QUEUE, None, NOW + timedelta(minutes=5))
    record = calls.get("CA9")
    assert record is not None and record.arrived_at == NOW and record.direction == "inbound"


def test_hold_is_counted_until_the_call_ends(engine: Engine) -> None:
    calls = CallStore(engine)
    calls.arrive("CA3", "inbound", QUEUE, NOW)
    calls.set_hold("CA3", NOW, NOW)
    assert calls.on_hold(QUEUE) == 1
    calls.advance("CA3", "completed", FINAL_RANK, NOW, direction="inbound")
    assert calls.on_hold(QUEUE) == 0


def test_a_chosen_slot_is_remembered(engine: Engine) -> None:
    calls = CallStore(engine)
    slot = Slot(NOW + timedelta(hours=1), NOW + timedelta(hours=1, minutes=30))
    calls.arrive("CA4", "inbound", QUEUE, NOW)
    calls.set_slot("CA4", slot, NOW)
    record = calls.get("CA4")
    assert record is not None and record.slot == slot


def _end(store: QueueStore, claim: Claim) -> bool:
    ending = Ending(claim.request.id, claim.attempt_id, claim.fence, "busy", NOW)
    ended = SettleStore(store.engine).end_attempt(ending, lambda _r, _f: (State.WAITING, None))
    return ended is not None


def test_an_attempt_is_found_by_its_call_sid_and_ended_once(store: QueueStore) -> None:
    calls = CallStore(store.engine)
    incoming = Incoming(ContextEntry(Channel.WEB, NOW, {}), virtual_start=NOW)
    store.enqueue(QUEUE, NUMBER, incoming, NOW)
    claim = claim_next(store, QUEUE, NOW, timedelta(minutes=2), AgentId("alice"))
    assert claim is not None
    assert calls.attach(claim.attempt_id, claim.fence, "CA5")
    assert not calls.attach(claim.attempt_id, claim.fence, "CA6")
    attempt = calls.attempt_for("CA5")
    assert attempt is not None and attempt.request_id == claim.request.id
    assert attempt.claimed_at == NOW and not attempt.ended
    assert _end(store, claim)
    assert not _end(store, claim)


def test_an_ended_attempt_accepts_no_call_sid(store: QueueStore) -> None:
    calls = CallStore(store.engine)
    incoming = Incoming(ContextEntry(Channel.WEB, NOW, {}), virtual_start=NOW)
    store.enqueue(QUEUE, NUMBER, incoming, NOW)
    claim = claim_next(store, QUEUE, NOW, timedelta(minutes=2), AgentId("alice"))
    assert claim is not None
    assert _end(store, claim)
    assert not calls.attach(claim.attempt_id, claim.fence, "CA7")
    assert calls.attempt_for("CA7") is None


def test_an_attempt_taken_over_accepts_no_call_sid(store: QueueStore) -> None:
    calls = CallStore(store.engine)
    incoming = Incoming(ContextEntry(Channel.WEB, NOW, {}), virtual_start=NOW)
    store.enqueue(QUEUE, NUMBER, incoming, NOW)
    stale = claim_next(store, QUEUE, NOW, timedelta(minutes=2), AgentId("alice"))
    assert stale is not None
    assert _end(store, stale)
    fresh = claim_next(store, QUEUE, NOW, timedelta(minutes=2), AgentId("bob"))
    assert fresh is not None and fresh.fence > stale.fence
    # The stale fence fits neither attempt; the current one attaches to its own attempt.
    assert not calls.attach(fresh.attempt_id, stale.fence, "CA8")
    assert not calls.attach(stale.attempt_id, stale.fence, "CA8")
    assert calls.attach(fresh.attempt_id, fresh.fence, "CA9")
    found = calls.attempt_for("CA9")
    assert found is not None and found.attempt_id == fresh.attempt_id
    assert calls.attempt_for("CA8") is None


def test_an_open_attempt_whose_request_moved_on_accepts_no_call_sid(store: QueueStore) -> None:
    calls = CallStore(store.engine)
    incoming = Incoming(ContextEntry(Channel.WEB, NOW, {}), virtual_start=NOW)
    store.enqueue(QUEUE, NUMBER, incoming, NOW)
    claim = claim_next(store, QUEUE, NOW, timedelta(minutes=2), AgentId("alice"))
    assert claim is not None
    # The request's fence moved before the attempt was ended: the attempt's own fence,
    # which never changes, cannot tell.
    moved = update(REQUEST).where(REQUEST.c.id == claim.request.id).values(fence=claim.fence + 1)
    with store.engine.begin() as connection:
        connection.execute(moved)
    assert not calls.attach(claim.attempt_id, claim.fence, "CA10")
    assert calls.attempt_for("CA10") is None


def test_booked_counts_requests_per_slot_and_contexts_grow(store: QueueStore) -> None:
    slot = Slot(NOW + timedelta(hours=1), NOW + timedelta(hours=1, minutes=30))
    incoming = Incoming(ContextEntry(Channel.IVR, NOW, {}), virtual_start=NOW, slot=slot)
    request = store.enqueue(QUEUE, NUMBER, incoming, NOW).request
    assert store.booked(QUEUE, slot.start) == 1
    store.add_context(request.id, ContextEntry(Channel.IVR, NOW, {"survey_rating": 4}), NOW)
    stored = store.get(request.id)
    assert stored is not None and stored.contexts[-1].data == {"survey_rating": 4}


def test_suppression_is_kept_once(engine: Engine) -> None:
    calls = CallStore(engine)
    calls.suppress(NUMBER, NOW)
    calls.suppress(NUMBER, NOW)
    assert calls.is_suppressed(NUMBER)
    assert not calls.is_suppressed(E164("+442079460457"))
