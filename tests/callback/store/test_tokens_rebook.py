"""Two small lookups on each backend: status-link tokens by hash, and the failed request an
SMS reply re-books."""

from __future__ import annotations

import hashlib

from callback.store import QueueStore
from callback.store.rebook import latest_failed
from callback.store.tokens import TokenStore
from callback.types import RequestId, State
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_a_token_finds_its_request_only_by_its_hash(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    tokens = TokenStore(store.engine)
    tokens.add(_sha("secret-link"), request.id, at(0))
    assert tokens.request_for(_sha("secret-link")) == request.id
    assert tokens.request_for(_sha("guessed-link")) is None
    assert tokens.request_for("secret-link") is None  # the token itself is never stored


def _failed(store: QueueStore, n: int, minute: float) -> RequestId:
    request = store.enqueue(SUPPORT, number(n), incoming(minute), at(minute)).request
    claim = claim_next(store, SUPPORT, at(minute), LEASE)
    assert claim is not None and claim.request.id == request.id
    store.finish_attempt(claim.attempt_id, claim.fence, "no-answer", at(minute + 1))
    store.transition(request.id, State.FAILED, at(minute + 1))
    return request.id


def test_the_latest_failed_request_of_the_number_since_a_moment(store: QueueStore) -> None:
    older = _failed(store, 1, 0)
    newer = _failed(store, 1, 10)
    _failed(store, 2, 20)  # another number
    store.enqueue(SUPPORT, number(1), incoming(30), at(30))  # waiting, not failed
    found = latest_failed(store.engine, number(1), at(0))
    assert found is not None and found.id == newer
    assert latest_failed(store.engine, number(1), at(12)) is None  # both failed before
    assert older != newer
    assert latest_failed(store.engine, number(3), at(0)) is None
