"""Counts per queue for consoles, and the log of configuration changes."""

from __future__ import annotations

from callback.store import ConfigChange, QueueCounts, QueueStore
from callback.types import State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def test_counts_per_queue_and_state(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    store.enqueue(SUPPORT, number(2), incoming(1), at(1))
    store.enqueue(SUPPORT, number(3), incoming(2, slot=(5, 20)), at(2))
    store.enqueue(SUPPORT, number(4), incoming(3, slot=(30, 40)), at(3))
    store.enqueue(SUPPORT, number(5), incoming(4), at(4))
    store.enqueue(SALES, number(6), incoming(-9), at(5))
    cancelled = store.enqueue(SALES, number(7), incoming(6), at(6)).request
    store.transition(cancelled.id, State.CANCELLED, at(7))
    dialled = claim_next(store, SUPPORT, at(8), LEASE)
    assert dialled is not None
    connected = claim_next(store, SUPPORT, at(8), LEASE)
    assert connected is not None
    store.transition(connected.request.id, State.CONNECTED, at(9))
    assert store.counts(at(10)) == {
        SUPPORT: QueueCounts(
            waiting=1, due=2, scheduled=2, dialing=1, connected=1, oldest_due=at(4)
        ),
        SALES: QueueCounts(waiting=1, due=1, oldest_due=at(-9)),
    }


def test_finished_queues_have_no_counts(store: QueueStore) -> None:
    assert store.counts(at(0)) == {}
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    store.transition(request.id, State.EXPIRED, at(1))
    assert store.counts(at(2)) == {}


def test_config_changes_are_listed_newest_first(store: QueueStore) -> None:
    assert store.config_changes() == []
    store.record_config_change(at(0), "/etc/holdless.toml", None, "a1", ["queues", "hours"])
    store.record_config_change(at(5), "/etc/holdless.toml", "a1", "b2", ["staffing"])
    store.record_config_change(at(9), "/etc/holdless.toml", "b2", "c3", [])
    changes = store.config_changes(limit=2)
    assert changes == [
        ConfigChange(3, at(9), "/etc/holdless.toml", "b2", "c3", ()),
        ConfigChange(2, at(5), "/etc/holdless.toml", "a1", "b2", ("staffing",)),
    ]
    assert store.config_changes()[-1].sections == ("queues", "hours")
