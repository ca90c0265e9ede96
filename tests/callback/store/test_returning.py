"""Retries waiting out a backoff, read for the estimate: due times, and only those ahead."""

from callback.store import QueueStore
from callback.types import State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def _miss(store: QueueStore, n: int, missed_at: float, back_at: float) -> int:
    """Enqueue number n at 0 (or later), dial it and miss: it waits until `back_at`."""
    claim = claim_next(store, SUPPORT, at(missed_at), LEASE)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, "no_answer", at(missed_at + 0.5))
    store.transition(claim.request.id, State.WAITING, at(missed_at + 1), due_at=at(back_at))
    return claim.request.id


def test_retries_are_listed_soonest_first_and_only_while_away(store: QueueStore) -> None:
    for n in (1, 2):
        store.enqueue(SUPPORT, number(n), incoming(0), at(n))
    store.enqueue(SALES, number(9), incoming(0), at(0))
    _miss(store, 1, missed_at=5, back_at=30)
    _miss(store, 2, missed_at=6, back_at=20)
    store.enqueue(SUPPORT, number(3), incoming(0), at(7))  # never dialled: in line, not away
    assert store.returning(SUPPORT, at(10)) == (at(20), at(30))
    assert store.returning(SUPPORT, at(25)) == (at(30),)  # the first is back in line
    assert store.returning(SALES, at(10)) == ()


def test_a_request_sees_only_the_retries_that_stand_ahead_of_it(store: QueueStore) -> None:
    early = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    late = store.enqueue(SUPPORT, number(2), incoming(0), at(3)).request
    store.enqueue(SUPPORT, number(3), incoming(0), at(6))
    assert _miss(store, 1, missed_at=8, back_at=40) == early.id
    claim = claim_next(store, SUPPORT, at(9), LEASE)
    assert claim is not None and claim.request.id == late.id
    store.finish_attempt(claim.attempt_id, claim.fence, "busy", at(9.5))
    store.transition(late.id, State.WAITING, at(10), due_at=at(30))
    newest = store.enqueue(SUPPORT, number(4), incoming(0), at(11)).request
    # The early one is ahead of the late one; both are ahead of a newer request.
    assert store.returning(SUPPORT, at(12), late.id) == (at(40),)
    assert store.returning(SUPPORT, at(12), early.id) == ()
    assert store.returning(SUPPORT, at(12), newest.id) == (at(30), at(40))
