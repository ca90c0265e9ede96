"""AMD verdicts: each sees the call as it was before it, so one of several is the first."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier

import pytest

from callback.store import make_engine
from callback.store.calls import CallStore

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SID = "CA" + "7" * 32


@pytest.fixture
def calls(db_url: str) -> Iterator[CallStore]:
    engine = make_engine(db_url)
    yield CallStore(engine)
    engine.dispose()


def test_a_verdict_sees_the_one_recorded_before_it(calls: CallStore) -> None:
    first = calls.set_answered_by(SID, "machine_start", NOW)
    second = calls.set_answered_by(SID, "machine_start", NOW)
    assert (first.call_sid, first.answered_by) == (SID, None)
    assert second.answered_by == "machine_start"
    stored = calls.get(SID)
    assert stored is not None and stored.answered_by == "machine_start"


def test_of_verdicts_arriving_at_once_exactly_one_sees_none_before_it(calls: CallStore) -> None:
    # Twilio may send the same verdict twice; only the first may redirect the call. The call
    # is known already (its status callbacks came first), as it is when AMD answers.
    calls.arrive(SID, "outbound-api", None, NOW)
    together = Barrier(6, timeout=30)

    def verdict(_: int) -> str | None:
        together.wait()
        return calls.set_answered_by(SID, "machine_end_beep", NOW).answered_by

    with ThreadPoolExecutor(6) as pool:
        seen = list(pool.map(verdict, range(6)))
    assert sorted(seen, key=str) == [None] + ["machine_end_beep"] * 5
