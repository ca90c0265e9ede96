"""Incoming calls arriving at one moment share one commit; a failure stays with its own call."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence

import psycopg
import pytest
from sqlalchemy import Engine

import callback.store.engine as engine_module
from callback.store import QueueStore, make_engine
from callback.store.arrival import NewCall
from callback.store.calls import CallStore
from callback.types import RequestId
from tests.callback.store.support import SUPPORT, at, incoming, number
from webhooks.twilio.arrivals import Arrivals


class CountingCalls(CallStore):
    """The real call store, noting the size of every transaction of arrivals."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.batches: list[int] = []

    def arrive_all(self, calls: Sequence[NewCall]) -> list[RequestId | None]:
        self.batches.append(len(calls))
        return super().arrive_all(calls)


def _arrive_together(arrivals: Arrivals, calls: Sequence[NewCall]) -> list[object]:
    async def together() -> list[object]:
        return await asyncio.gather(*(arrivals.arrive(c) for c in calls), return_exceptions=True)

    return asyncio.run(together())


@pytest.mark.parametrize("inline", [True, False], ids=["on-the-loop", "worker-thread"])
def test_calls_arriving_together_share_one_transaction(store: QueueStore, inline: bool) -> None:
    waiting = store.enqueue(SUPPORT, number(2), incoming(), at(0)).request
    calls = CountingCalls(store.engine)
    arriving = [NewCall(f"CA{n}", SUPPORT, number(n), at(1)) for n in range(1, 6)]
    found = _arrive_together(Arrivals(calls, inline=inline), arriving)
    assert found == [None, waiting.id, None, None, None]
    assert calls.batches == [5]
    assert all(calls.get(f"CA{n}") is not None for n in range(1, 6))


def test_calls_arriving_one_after_another_are_stored_one_by_one(engine: Engine) -> None:
    calls = CountingCalls(engine)
    arrivals = Arrivals(calls, inline=True)

    async def one_by_one() -> None:
        for n in range(1, 4):
            assert await arrivals.arrive(NewCall(f"CA{n}", SUPPORT, None, at(n))) is None

    asyncio.run(one_by_one())
    assert calls.batches == [1, 1, 1]
    record = calls.get("CA3")
    assert record is not None and record.arrived_at == at(3)


@pytest.mark.parametrize("inline", [True, False], ids=["on-the-loop", "worker-thread"])
def test_a_call_that_cannot_be_stored_fails_alone(engine: Engine, inline: bool) -> None:
    calls = CountingCalls(engine)
    naive = NewCall("CA2", SUPPORT, None, at(0).replace(tzinfo=None))
    arriving = [NewCall("CA1", SUPPORT, None, at(0)), naive, NewCall("CA3", SUPPORT, None, at(0))]
    outcomes = _arrive_together(Arrivals(calls, inline=inline), arriving)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], ValueError) and "naive" in str(outcomes[1])
    # The batch failed whole, then each call was stored on its own.
    assert calls.batches == [3, 1, 1, 1]
    assert [calls.get(sid) is not None for sid in ("CA1", "CA2", "CA3")] == [True, False, True]


def test_a_call_whose_request_went_away_is_stored_all_the_same(engine: Engine) -> None:
    calls = CountingCalls(engine)
    arrivals = Arrivals(calls, inline=True)

    async def hang_up_early() -> None:
        gone = asyncio.create_task(arrivals.arrive(NewCall("CA1", SUPPORT, None, at(0))))
        stays = asyncio.create_task(arrivals.arrive(NewCall("CA2", SUPPORT, None, at(0))))
        await asyncio.sleep(0)  # both are waiting for the commit
        gone.cancel()
        assert await stays is None

    asyncio.run(hang_up_early())
    assert calls.batches == [2]
    assert calls.get("CA1") is not None and calls.get("CA2") is not None


def test_a_locked_database_fails_the_batch_once_not_call_by_call(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    engine = make_engine(sqlite_url)
    calls = CountingCalls(engine)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, past the busy timeout
        arriving = [NewCall(f"CA{n}", SUPPORT, None, at(0)) for n in (1, 2, 3)]
        outcomes = _arrive_together(Arrivals(calls, inline=True), arriving)
    finally:
        holder.close()
        engine.dispose()
    assert all(isinstance(o, sqlite3.OperationalError) for o in outcomes), outcomes
    assert calls.batches == [3]


def test_an_unreachable_database_fails_the_batch_once() -> None:
    engine = make_engine("postgresql+psycopg://holdless@127.0.0.1:9/nowhere?connect_timeout=2")
    calls = CountingCalls(engine)
    try:
        arriving = [NewCall(f"CA{n}", SUPPORT, None, at(0)) for n in (1, 2)]
        outcomes = _arrive_together(Arrivals(calls, inline=False), arriving)
    finally:
        engine.dispose()
    assert all(isinstance(o, psycopg.OperationalError) for o in outcomes), outcomes
    assert calls.batches == [2]
