from datetime import timedelta

from callback.store import QueueStore
from callback.types import State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def test_nothing_measured_yet(store: QueueStore) -> None:
    seen = store.measured(SUPPORT, at(-60), at(60))
    assert (seen.attempts, seen.mean_handle, seen.abandoned) == (0, None, 0)
    assert seen.exposure == timedelta(0)


def test_handle_time_counts_every_ended_attempt(store: QueueStore) -> None:
    for n, minutes in ((1, 4), (2, 1)):
        store.enqueue(SUPPORT, number(n), incoming(0), at(0))
        claim = claim_next(store, SUPPORT, at(10), LEASE)
        assert claim is not None
        assert store.finish_attempt(claim.attempt_id, claim.fence, "no_answer", at(10 + minutes))
    seen = store.measured(SUPPORT, at(0), at(30))
    assert seen.attempts == 2
    assert seen.mean_handle == timedelta(minutes=2, seconds=30)
    # Both waited 10 minutes before their first dial.
    assert seen.exposure == timedelta(minutes=20)


def test_abandonment_counts_those_who_left_before_a_dial(store: QueueStore) -> None:
    left = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    store.transition(left.id, State.CANCELLED, at(7))
    store.enqueue(SUPPORT, number(2), incoming(0), at(0))
    seen = store.measured(SUPPORT, at(0), at(30))
    assert (seen.abandoned, seen.exposure) == (1, timedelta(minutes=7))


def test_only_the_window_and_the_queue_count(store: QueueStore) -> None:
    store.enqueue(SALES, number(1), incoming(0), at(0))
    claim = claim_next(store, SALES, at(1), LEASE)
    assert claim is not None
    store.finish_attempt(claim.attempt_id, claim.fence, "busy", at(2))
    assert store.measured(SUPPORT, at(0), at(30)).attempts == 0
    assert store.measured(SALES, at(3), at(30)).attempts == 0
    assert store.measured(SALES, at(0), at(30)).attempts == 1
