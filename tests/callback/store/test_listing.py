"""The console's list, timeline and steering on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from callback.service.steer import Refused, cancel, move_to, move_up
from callback.store import QueueStore
from callback.store.announcements import Told, told_request
from callback.store.engine import read_transaction, write_transaction
from callback.store.listing import RequestFilter, list_requests, reached_at, timeline
from callback.store.request_sms import REQUEST_SMS, SmsKind, record_sms, sms_for
from callback.store.retention import delete_requests
from callback.types import Channel, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def _ids(engine: Engine, wanted: RequestFilter, size: int = 50) -> tuple[list[int], bool]:
    with read_transaction(engine) as connection:
        rows, more = list_requests(connection, wanted, size)
    return [row.id for row in rows], more


def test_filters_and_keyset_pages(store: QueueStore, engine: Engine) -> None:
    ids = [
        store.enqueue(
            SALES if n % 3 == 0 else SUPPORT, number(n), incoming(n), at(n // 2)
        ).request.id
        for n in range(7)
    ]
    newest = sorted(ids, key=lambda i: (ids.index(i) // 2, i), reverse=True)
    first, more = _ids(engine, RequestFilter(), size=3)
    assert (first, more) == (newest[:3], True)
    rest, more = _ids(engine, RequestFilter(before=first[-1]), size=10)
    assert (rest, more) == (newest[3:], False)
    assert _ids(engine, RequestFilter(queue="sales"))[0] == [ids[6], ids[3], ids[0]]
    assert _ids(engine, RequestFilter(channel="ivr"))[0] == []
    assert len(_ids(engine, RequestFilter(day=date(2026, 3, 2)))[0]) == 7
    assert _ids(engine, RequestFilter(day=date(2026, 3, 3)))[0] == []


def test_steering_a_waiting_request(store: QueueStore) -> None:
    first = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request.id
    second = store.enqueue(SUPPORT, number(2), incoming(1), at(1)).request.id
    assert move_up(store, second, at(2)).priority == 1
    claim = claim_next(store, SUPPORT, at(3), LEASE)
    assert claim is not None and claim.request.id == second
    moved = move_to(store, first, at(60), at(3))
    assert (moved.state, moved.due_at()) == (State.SCHEDULED, at(60))
    assert moved.slot is not None and moved.slot.end == at(90)
    with pytest.raises(Refused, match="dialing request can no longer be moved"):
        move_up(store, second, at(4))
    with pytest.raises(Refused, match="can no longer be cancelled"):
        cancel(store, second, at(4))
    assert cancel(store, first, at(5)).state is State.CANCELLED
    assert cancel(store, first, at(6)).state is State.CANCELLED
    with pytest.raises(Refused, match="no such request"):
        move_up(store, RequestId(999_999), at(6))


def test_the_timeline_of_a_reached_request(store: QueueStore, engine: Engine) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0, channel=Channel.SMS), at(0)).request
    claim = claim_next(store, SUPPORT, at(1), LEASE)
    assert claim is not None
    store.transition(request.id, State.CONNECTED, at(1.5))
    store.transition(request.id, State.COMPLETED, at(4))
    with read_transaction(engine) as connection:
        steps = timeline(connection, request.id)
        reached = reached_at(connection, request.id)
    assert [(s.at, s.what) for s in steps] == [
        (at(0), "requested"),
        (at(1), "dial"),
        (at(4), "completed"),
    ]
    assert steps[1].detail.startswith("attempt 1: completed")
    assert reached == at(1)


def test_texts_sent_about_a_request_are_on_its_timeline_without_number_or_text(
    store: QueueStore, engine: Engine
) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    other = store.enqueue(SUPPORT, number(2), incoming(0), at(0)).request
    with engine.begin() as connection:
        record_sms(connection, request.id, SmsKind.APOLOGY, None, at(2))
        record_sms(connection, request.id, SmsKind.CONFIRMATION, "SM" + "a" * 32, at(0.5))
        record_sms(connection, other.id, SmsKind.VERIFICATION, "SM" + "b" * 32, at(1))
    with read_transaction(engine) as connection:
        steps = timeline(connection, request.id)
    assert [(s.at, s.what, s.detail) for s in steps] == [
        (at(0), "requested", "channel=web"),
        (at(0.5), "sms_confirmation", "sid=SM" + "a" * 32),
        (at(2), "sms_apology", "sid=none"),
    ]
    assert set(REQUEST_SMS.c.keys()) == {"id", "request_id", "at", "kind", "message_sid"}


def test_deleting_a_request_deletes_the_record_of_its_texts(
    store: QueueStore, engine: Engine
) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    with engine.begin() as connection:
        record_sms(connection, request.id, SmsKind.CONFIRMATION, "SM" + "c" * 32, at(1))
        delete_requests(connection, [request.id])
    with read_transaction(engine) as connection:
        assert sms_for(connection, request.id) == []


def test_the_timeline_shows_each_position_told_and_why_it_moved(
    store: QueueStore, engine: Engine
) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    told = [(at(0), 4, 600.0), (at(2), 1, 180.0), (at(3), 3, 300.0), (at(4), None, 60.0)]
    with write_transaction(engine) as connection:
        for when, ahead, wait in told:
            low, high = timedelta(seconds=wait / 2), timedelta(seconds=wait * 2)
            said = Told(SUPPORT, "web", when, ahead, timedelta(seconds=wait), low, high)
            told_request(connection, request.id, said)
    with read_transaction(engine) as connection:
        steps = [s for s in timeline(connection, request.id) if s.what == "announced"]
    assert [(s.at, s.detail) for s in steps] == [
        (at(0), "position 5; wait 10 min (5 min-20 min); via web"),
        (at(2), "position 2; wait 3 min (2 min-6 min); via web; moved up 3: people ahead were "
         "reached or left, or its priority rose"),
        (at(3), "position 4; wait 5 min (2 min-10 min); via web; moved back 2: people of higher "
         "priority joined ahead"),
        (at(4), "position unknown; wait 1 min (0 min-2 min); via web"),
    ]  # fmt: skip


def test_a_verification_text_is_listed_without_its_code(store: QueueStore, engine: Engine) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    with write_transaction(engine) as connection:
        record_sms(connection, request.id, SmsKind.VERIFICATION, None, at(-1))
    with read_transaction(engine) as connection:
        first = timeline(connection, request.id)[0]
    assert (first.at, first.what, first.detail) == (
        at(-1),
        "sms_verification",
        "code not shown; sid=none",
    )
