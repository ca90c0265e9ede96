"""Concurrent admissions against one limit: of any burst, exactly the limit gets through.

Each admission runs in its own thread on its own pooled connection and carries its own clock
reading, as requests do: they read the clock as they arrive, not in the order they commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from callback.store import make_engine
from callback.store.abuse import AbuseStore, Window
from tests.webhooks.conftest import MONDAY_10

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
BURST = 20
Windows = Callable[[int], list[Window]]
IP = Window("ip", "198.51.100.7", HOUR, 5)
NUMBER = Window("number", "+442079460456", DAY, 3)
PREFIX = Window("prefix", "4420794", HOUR, 7)
# How a signed request's replay is checked: one signature, seen at most once.
SIGNATURE = Window("signature", "ab" * 32, timedelta(minutes=10), 1)


def _per_ip(n: int) -> list[Window]:
    # Distinct numbers from one address: only the address's window can fill.
    return [IP, Window("number", f"+4420794604{n:02d}", DAY, 3)]


def _per_number(n: int) -> list[Window]:
    # Distinct addresses asking for one number: only the number's window can fill.
    return [Window("ip", f"198.51.100.{n}", HOUR, 5), NUMBER]


def _per_prefix(n: int) -> list[Window]:
    return [Window("number", f"+4420794604{n:02d}", DAY, 3), PREFIX]


def _replayed(_n: int) -> list[Window]:
    return [SIGNATURE]


@pytest.fixture
def engines(db_url: str) -> Iterator[list[AbuseStore]]:
    """Two "instances": each its own engine (pool, in-process writer queue) on one database."""
    made = [make_engine(db_url), make_engine(db_url)]
    yield [AbuseStore(engine) for engine in made]
    for engine in made:
        engine.dispose()


def _burst(stores: Sequence[AbuseStore], windows: Windows) -> list[bool]:
    """Whether each of BURST simultaneous admissions got through, in submission order."""
    start = threading.Barrier(BURST)

    def one(n: int) -> bool:
        store = stores[n % len(stores)]
        # Later submissions read a later clock; which one commits first is the race's choice.
        now = MONDAY_10 + timedelta(milliseconds=n)
        start.wait()
        return store.admit(windows(n), now) is None

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(one, range(BURST)))


@pytest.mark.parametrize(
    ("windows", "full"),
    [(_per_ip, IP), (_per_number, NUMBER), (_per_prefix, PREFIX), (_replayed, SIGNATURE)],
)
@pytest.mark.parametrize("instances", [1, 2])
def test_a_burst_admits_exactly_the_limit(
    engines: list[AbuseStore], windows: Windows, full: Window, instances: int
) -> None:
    admitted = _burst(engines[:instances], windows)
    assert admitted.count(True) == full.limit
    counted = engines[0].count(full.kind, full.key, MONDAY_10 - DAY, MONDAY_10 + HOUR)
    assert counted == full.limit


def test_a_request_that_read_the_clock_first_sees_one_counted_after_it(
    engines: list[AbuseStore],
) -> None:
    first, second = engines
    window = Window("ip", "198.51.100.7", HOUR, 1)
    # The later reading commits first (another thread, another instance's clock).
    assert second.admit([window], MONDAY_10 + timedelta(milliseconds=3)) is None
    exceeded = first.admit([window], MONDAY_10)
    assert exceeded is not None and exceeded.window == window


@pytest.mark.postgres
def test_a_server_default_of_repeatable_read_does_not_loosen_a_limit(pg_url: str) -> None:
    # An operator may make every transaction REPEATABLE READ; an admission must still see
    # every admission committed while it waited for its turn.
    setup = make_engine(pg_url)
    with setup.begin() as connection:
        database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
        connection.exec_driver_sql(
            f"ALTER DATABASE \"{database}\" SET default_transaction_isolation = 'repeatable read'"
        )
    setup.dispose()
    made = [make_engine(pg_url), make_engine(pg_url)]
    try:
        with made[0].connect() as connection:
            isolation = connection.exec_driver_sql("SHOW transaction_isolation").scalar_one()
        assert isolation == "repeatable read"
        assert _burst([AbuseStore(engine) for engine in made], _per_ip).count(True) == IP.limit
    finally:
        for engine in made:
            engine.dispose()
