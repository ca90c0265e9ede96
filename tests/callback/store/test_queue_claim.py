"""Claims: the first due request in queue order, once, under a lease and a fence."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from callback.store import Claim, QueueStore
from callback.store.tables import ATTEMPT
from callback.types import AgentId, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number


def _claimed_ids(store: QueueStore, count: int, minute: float = 60) -> list[RequestId]:
    claims = [claim_next(store, SUPPORT, at(minute), LEASE) for _ in range(count)]
    return [claim.request.id for claim in claims if claim is not None]


def test_claims_follow_the_queue_order(store: QueueStore) -> None:
    early = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    vip = store.enqueue(SUPPORT, number(2), incoming(5, priority=1), at(5)).request
    tie_a = store.enqueue(SUPPORT, number(3), incoming(2), at(6)).request
    tie_b = store.enqueue(SUPPORT, number(4), incoming(2), at(7)).request
    assert _claimed_ids(store, 5) == [vip.id, early.id, tie_a.id, tie_b.id]


def test_a_claim_moves_the_request_to_dialing_under_a_lease(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    claim = claim_next(store, SUPPORT, at(1), LEASE, AgentId("agent-7"))
    assert claim is not None
    assert (claim.fence, claim.lease_until) == (1, at(1) + LEASE)
    assert claim.request.id == request.id
    assert (claim.request.state, claim.request.attempts) == (State.DIALING, 1)
    assert store.get(request.id) == claim.request
    with store.engine.connect() as connection:
        attempt = connection.execute(select(ATTEMPT)).mappings().one()
    assert attempt["id"] == claim.attempt_id
    assert (attempt["request_id"], attempt["fence"], attempt["agent_id"]) == (
        request.id,
        1,
        "agent-7",
    )
    assert (attempt["number"], attempt["claimed_at"], attempt["ended_at"]) == (
        number(1),
        at(1),
        None,
    )


def test_a_retried_request_is_claimed_again_under_the_next_fence(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    first = claim_next(store, SUPPORT, at(1), LEASE)
    assert first is not None
    assert store.finish_attempt(first.attempt_id, first.fence, "no-answer", at(2))
    store.transition(first.request.id, State.WAITING, at(2), due_at=at(10))
    assert claim_next(store, SUPPORT, at(9), LEASE) is None
    second = claim_next(store, SUPPORT, at(10), LEASE)
    assert second is not None
    assert (second.fence, second.request.attempts) == (2, 2)
    assert second.attempt_id != first.attempt_id


def test_requests_not_yet_due_are_skipped(store: QueueStore) -> None:
    scheduled = store.enqueue(SUPPORT, number(1), incoming(-30, slot=(30, 60)), at(0)).request
    later = store.enqueue(SUPPORT, number(2), incoming(0), at(0)).request
    assert _claimed_ids(store, 2, minute=1) == [later.id]
    assert claim_next(store, SUPPORT, at(29.9), LEASE) is None
    assert _claimed_ids(store, 1, minute=30) == [scheduled.id]


def test_nothing_to_claim(store: QueueStore) -> None:
    assert claim_next(store, SUPPORT, at(0), LEASE) is None
    store.enqueue(SALES, number(1), incoming(0), at(0))
    assert claim_next(store, SUPPORT, at(1), LEASE) is None


def test_a_number_being_dialled_for_one_queue_waits_in_the_other(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    sales_same_number = store.enqueue(SALES, number(1), incoming(0), at(0)).request
    sales_other = store.enqueue(SALES, number(2), incoming(1), at(1)).request
    support = claim_next(store, SUPPORT, at(2), LEASE)
    assert support is not None
    sales = claim_next(store, SALES, at(2), LEASE)
    assert sales is not None and sales.request.id == sales_other.id
    assert claim_next(store, SALES, at(2), LEASE) is None
    store.transition(support.request.id, State.FAILED, at(3))
    again = claim_next(store, SALES, at(3), LEASE)
    assert again is not None and again.request.id == sales_same_number.id


def test_concurrent_claimers_never_share_a_request(store: QueueStore) -> None:
    requests = 24
    for n in range(requests):
        store.enqueue(SUPPORT, number(n), incoming(n), at(n))
    workers = 4
    barrier = threading.Barrier(workers)

    def drain() -> list[Claim]:
        barrier.wait()
        claims = []
        while (claim := claim_next(store, SUPPORT, at(60), LEASE)) is not None:
            claims.append(claim)
        return claims

    with ThreadPoolExecutor(workers) as pool:
        claims = [
            claim
            for future in [pool.submit(drain) for _ in range(workers)]
            for claim in future.result()
        ]
    assert len(claims) == requests
    assert len({claim.request.id for claim in claims}) == requests
    assert len({claim.attempt_id for claim in claims}) == requests
    open_dials = (
        select(ATTEMPT.c.number, func.count())
        .where(ATTEMPT.c.ended_at.is_(None))
        .group_by(ATTEMPT.c.number)
    )
    with store.engine.connect() as connection:
        per_number = {row[0]: row[1] for row in connection.execute(open_dials)}
    assert per_number == {number(n): 1 for n in range(requests)}


def test_expired_leases_are_listed_until_their_attempt_ends(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    store.enqueue(SUPPORT, number(2), incoming(1), at(1))
    first = claim_next(store, SUPPORT, at(2), timedelta(minutes=1))
    second = claim_next(store, SUPPORT, at(2), timedelta(minutes=5))
    assert first is not None and second is not None
    assert store.expired_claims(at(3)) == []
    assert store.expired_claims(at(3) + timedelta(seconds=1)) == [first]
    assert store.expired_claims(at(8)) == [first, second]
    assert store.finish_attempt(first.attempt_id, first.fence, "lease-expired", at(8))
    assert store.expired_claims(at(8)) == [second]


def test_a_connected_call_outliving_its_lease_is_listed_for_the_sweep_to_check(
    store: QueueStore,
) -> None:
    # Its final status callback may have been lost: the sweep asks the carrier about it (and
    # never puts a connected request back in line; tests/scheduler/test_sweep_reconcile.py).
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), timedelta(minutes=1))
    assert claim is not None
    store.transition(claim.request.id, State.CONNECTED, at(1.5))
    assert store.expired_claims(at(1.9)) == []
    assert [c.attempt_id for c in store.expired_claims(at(30))] == [claim.attempt_id]
    found = store.get(claim.request.id)
    assert found is not None and found.state is State.CONNECTED
