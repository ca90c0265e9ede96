from datetime import datetime, timedelta
from typing import Any

from callback.forecast import Measured
from callback.types import QueueName
from tests.webhooks.conftest import MONDAY_10
from webhooks.measured import MeasuredCache


class CountingStore:
    def __init__(self) -> None:
        self.calls: list[tuple[str, datetime, datetime]] = []

    def measured(self, queue: str, since: datetime, now: datetime) -> Measured:
        self.calls.append((queue, since, now))
        return Measured(attempts=len(self.calls))


def cache(store: Any) -> MeasuredCache:
    return MeasuredCache(store, ttl=timedelta(seconds=30))


def test_figures_are_reused_within_the_ttl_and_refreshed_after() -> None:
    store = CountingStore()
    measured = cache(store)
    support = QueueName("support")
    assert measured.get(support, MONDAY_10).attempts == 1
    assert measured.get(support, MONDAY_10 + timedelta(seconds=29)).attempts == 1
    assert measured.get(support, MONDAY_10 + timedelta(seconds=30)).attempts == 2
    assert store.calls[0] == ("support", MONDAY_10 - timedelta(hours=24), MONDAY_10)


def test_each_queue_has_its_own_figures_and_a_clock_going_back_refreshes() -> None:
    store = CountingStore()
    measured = cache(store)
    measured.get(QueueName("support"), MONDAY_10)
    measured.get(QueueName("sales"), MONDAY_10)
    measured.get(QueueName("support"), MONDAY_10 - timedelta(seconds=1))
    assert [call[0] for call in store.calls] == ["support", "sales", "support"]
