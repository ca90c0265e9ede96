"""Ending a dial attempt: once, under its fence, with the first attempt's time in hand."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callback.request import CallbackRequest
from callback.store import Claim, QueueStore
from callback.store.settling import Ended, Ending, SettleStore, Target
from callback.store.tables import ATTEMPT, REQUEST
from callback.types import RequestId, State
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number


def _claim(store: QueueStore, minute: float) -> Claim:
    claim = claim_next(store, SUPPORT, at(minute), LEASE)
    assert claim is not None
    return claim


def _end(store: QueueStore, claim: Claim, minute: float, target: State) -> Ended | None:
    ending = Ending(claim.request.id, claim.attempt_id, claim.fence, "no_answer", at(minute))
    return SettleStore(store.engine).end_attempt(ending, lambda _r, _f: (target, at(minute + 5)))


def _outcome(store: QueueStore, claim: Claim) -> str | None:
    query = select(ATTEMPT.c.outcome).where(ATTEMPT.c.id == claim.attempt_id)
    with store.engine.connect() as connection:
        found: str | None = connection.execute(query).scalar_one()
    return found


def _due(store: QueueStore, request: RequestId) -> datetime | None:
    query = select(REQUEST.c.due_at).where(REQUEST.c.id == request)
    with store.engine.connect() as connection:
        found: datetime | None = connection.execute(query).scalar_one()
    return found


def test_the_policy_is_handed_the_first_attempt_not_the_current_one(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    first = _claim(store, 1)
    assert _end(store, first, 2, State.WAITING) is not None
    second = _claim(store, 30)
    seen: list[tuple[int, datetime]] = []

    def decide(request: CallbackRequest, first_attempt_at: datetime) -> Target:
        seen.append((request.attempts, first_attempt_at))
        return State.FAILED, None

    ending = Ending(second.request.id, second.attempt_id, second.fence, "failed", at(31))
    ended = SettleStore(store.engine).end_attempt(ending, decide)
    assert seen == [(2, at(1))]
    assert ended is not None and ended.moved and ended.request.state is State.FAILED
    assert _outcome(store, second) == "failed"


def test_an_attempt_is_ended_once(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = _claim(store, 1)
    ended = _end(store, claim, 2, State.WAITING)
    assert ended is not None and ended.moved
    assert ended.request.state is State.WAITING and _due(store, claim.request.id) == at(7)
    assert _end(store, claim, 3, State.FAILED) is None
    after = store.get(claim.request.id)
    assert after is not None and after.state is State.WAITING


def test_a_stale_fence_ends_nothing(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    stale = _claim(store, 1)
    assert _end(store, stale, 2, State.WAITING) is not None
    fresh = _claim(store, 10)
    forged = Claim(fresh.request, fresh.attempt_id, stale.fence, fresh.lease_until)
    assert _end(store, forged, 11, State.FAILED) is None
    assert _outcome(store, fresh) is None


def test_a_target_the_request_cannot_reach_closes_only_the_attempt(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = _claim(store, 1)
    ended = _end(store, claim, 3, State.COMPLETED)  # never connected: it cannot complete
    assert ended is not None and not ended.moved
    assert ended.request.state is State.DIALING
    assert _outcome(store, claim) == "no_answer"
