from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callback.store import QueueStore, retention
from callback.store.tables import ATTEMPT
from callback.types import State
from tests.callback.store.support import LEASE, SUPPORT, at, incoming, number

DAY = 24 * 60
MONTH = timedelta(days=30)
YEAR = timedelta(days=365)


def finished_request(store: QueueStore, n: int, minutes: float) -> int:
    """A request dialled once (no answer) and then cancelled at T0 + `minutes`."""
    store.enqueue(
        SUPPORT, number(n), incoming(minutes - 5, name="Ada", order="A-1"), at(minutes - 5)
    )
    claim = store.claim_next(SUPPORT, at(minutes - 4), LEASE)
    assert claim is not None
    store.finish_attempt(claim.attempt_id, claim.fence, "no_answer", at(minutes - 3))
    store.transition(claim.request.id, State.WAITING, at(minutes - 3))
    store.transition(claim.request.id, State.CANCELLED, at(minutes))
    return claim.request.id


def attempt_numbers(store: QueueStore, request_id: int) -> list[str]:
    with store.engine.connect() as connection:
        query = select(ATTEMPT.c.number).where(ATTEMPT.c.request_id == request_id)
        return list(connection.execute(query).scalars())


def test_personal_data_of_old_finished_requests_is_erased(store: QueueStore) -> None:
    old = finished_request(store, 1, 10)
    recent = finished_request(store, 2, 40 * DAY)
    waiting = store.enqueue(SUPPORT, number(3), incoming(0, name="Bo"), at(0)).request.id
    report = store.purge(at(41 * DAY), MONTH, YEAR)
    assert (report.erased, report.deleted) == (1, 0)
    erased = store.get(old)
    assert erased is not None
    assert (erased.number, erased.name, erased.contexts) == ("", None, ())
    assert erased.state is State.CANCELLED
    assert attempt_numbers(store, old) == [""]
    kept = store.get(recent)
    assert kept is not None and kept.number == number(2) and kept.name == "Ada"
    assert attempt_numbers(store, recent) == [number(2)]
    still_waiting = store.get(waiting)
    assert still_waiting is not None and still_waiting.number == number(3)


def test_a_second_purge_finds_nothing_more(store: QueueStore) -> None:
    finished_request(store, 1, 10)
    assert store.purge(at(41 * DAY), MONTH, YEAR).erased == 1
    assert store.purge(at(42 * DAY), MONTH, YEAR).erased == 0


def test_history_past_its_keep_time_is_deleted_with_its_attempts(store: QueueStore) -> None:
    old = finished_request(store, 1, 10)
    store.record_config_change(at(0), "holdless.toml", "a", "b", ["agents"])
    report = store.purge(at(400 * DAY), MONTH, YEAR)
    assert (report.deleted, report.config_changes) == (1, 1)
    assert store.get(old) is None
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ATTEMPT)).scalar_one() == 0


def test_purge_works_in_batches(store: QueueStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 5)
    for n in range(12):
        finished_request(store, n, 10 + n)
    assert store.purge(at(41 * DAY), MONTH, YEAR).erased == 12
