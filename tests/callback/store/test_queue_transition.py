"""Transitions and fenced attempts: only lifecycle moves, only by the current dialler."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from callback.request import CallbackRequest, IllegalTransition
from callback.store import Claim, QueueStore, StateConflict, UnknownRequest
from callback.store.settling import Ending, SettleStore
from callback.store.tables import ATTEMPT, REQUEST
from callback.types import FINAL_STATES, RequestId, State
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number


def _waiting(store: QueueStore, n: int = 1) -> CallbackRequest:
    return store.enqueue(SUPPORT, number(n), incoming(0), at(0)).request


def _claimed(store: QueueStore, minute: float = 1) -> Claim:
    claim = claim_next(store, SUPPORT, at(minute), LEASE)
    assert claim is not None
    return claim


def _attempt(store: QueueStore, attempt_id: int) -> dict[str, Any]:
    with store.engine.connect() as connection:
        query = select(ATTEMPT).where(ATTEMPT.c.id == attempt_id)
        return dict(connection.execute(query).mappings().one())


def _finished_at(store: QueueStore, request_id: RequestId) -> object:
    with store.engine.connect() as connection:
        query = select(REQUEST.c.finished_at).where(REQUEST.c.id == request_id)
        return connection.execute(query).scalar_one()


@pytest.mark.parametrize("target", [State.COMPLETED, State.CONNECTED, State.FAILED])
def test_illegal_transitions_are_refused_and_change_nothing(
    store: QueueStore, target: State
) -> None:
    request = _waiting(store)
    with pytest.raises(IllegalTransition):
        store.transition(request.id, target, at(1))
    assert store.get(request.id) == request


def test_an_unexpected_state_is_a_conflict_and_changes_nothing(store: QueueStore) -> None:
    request = _waiting(store)
    with pytest.raises(StateConflict, match="waiting, not dialing") as conflict:
        store.transition(request.id, State.CANCELLED, at(1), expected=State.DIALING)
    assert (conflict.value.expected, conflict.value.actual) == (State.DIALING, State.WAITING)
    assert store.get(request.id) == request


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
def test_final_states_absorb(store: QueueStore, final: State) -> None:
    request = _waiting(store)
    if final in {State.COMPLETED, State.FAILED}:
        _claimed(store)
        store.transition(request.id, State.CONNECTED, at(2))
    store.transition(request.id, final, at(3))
    finished = store.get(request.id)
    assert finished is not None and finished.is_final
    for target in State:
        if target is not State.DIALING:
            with pytest.raises(IllegalTransition):
                store.transition(request.id, target, at(4))
    assert store.get(request.id) == finished
    assert claim_next(store, SUPPORT, at(5), LEASE) is None
    assert _finished_at(store, request.id) == at(3)


def test_only_a_claim_moves_a_request_to_dialing(store: QueueStore) -> None:
    request = _waiting(store)
    with pytest.raises(ValueError, match="claim"):
        store.transition(request.id, State.DIALING, at(1))
    assert store.get(request.id) == request


def test_a_due_time_only_applies_when_returning_to_the_line(store: QueueStore) -> None:
    request = _waiting(store)
    with pytest.raises(ValueError, match="due_at"):
        store.transition(request.id, State.CANCELLED, at(1), due_at=at(5))


def test_transitions_of_an_unknown_request_are_errors(store: QueueStore) -> None:
    with pytest.raises(UnknownRequest):
        store.transition(RequestId(99), State.CANCELLED, at(0))


def test_a_connected_callback_completes_and_releases_its_dial(store: QueueStore) -> None:
    request = _waiting(store)
    claim = _claimed(store)
    connected = store.transition(request.id, State.CONNECTED, at(2), expected=State.DIALING)
    assert connected.state is State.CONNECTED
    assert _attempt(store, claim.attempt_id)["ended_at"] is None
    ending = Ending(request.id, claim.attempt_id, claim.fence, "completed", at(9))
    ended = SettleStore(store.engine).end_attempt(ending, lambda _r, _f: (State.COMPLETED, None))
    assert ended is not None
    completed = ended.request
    assert (completed.state, completed.updated_at) == (State.COMPLETED, at(9))
    attempt = _attempt(store, claim.attempt_id)
    assert (attempt["ended_at"], attempt["outcome"]) == (at(9), "completed")
    assert _finished_at(store, request.id) == at(9)


def test_only_a_connected_callback_can_complete(store: QueueStore) -> None:
    request = _waiting(store)
    with pytest.raises(IllegalTransition):
        store.transition(request.id, State.COMPLETED, at(1))


def test_finishing_an_attempt_is_fenced(store: QueueStore) -> None:
    _waiting(store)
    first = _claimed(store)
    assert not store.finish_attempt(first.attempt_id, first.fence + 1, "busy", at(2))
    assert store.finish_attempt(first.attempt_id, first.fence, "busy", at(2), call_sid="CA1")
    assert not store.finish_attempt(first.attempt_id, first.fence, "completed", at(3))
    attempt = _attempt(store, first.attempt_id)
    assert (attempt["outcome"], attempt["call_sid"], attempt["ended_at"]) == ("busy", "CA1", at(2))
    assert not store.finish_attempt(12345, 1, "busy", at(3))


def test_a_stale_fence_cannot_end_a_newer_dial(store: QueueStore) -> None:
    request = _waiting(store)
    stale = _claimed(store)
    # The lease ran out; recovery returned the request to the line and it was claimed again.
    store.transition(request.id, State.WAITING, at(5))
    assert _attempt(store, stale.attempt_id)["outcome"] == "waiting"
    current = _claimed(store, minute=6)
    assert current.fence == stale.fence + 1
    assert not store.finish_attempt(current.attempt_id, stale.fence, "no-answer", at(7))
    assert not store.finish_attempt(stale.attempt_id, stale.fence, "no-answer", at(7))
    assert _attempt(store, current.attempt_id)["ended_at"] is None
    assert store.finish_attempt(current.attempt_id, current.fence, "no-answer", at(7))


def test_a_retry_returns_to_the_line_at_its_due_time(store: QueueStore) -> None:
    request = _waiting(store)
    claim = _claimed(store)
    retried = store.transition(request.id, State.WAITING, at(2), due_at=at(30))
    assert (retried.state, retried.attempts) == (State.WAITING, 1)
    assert _attempt(store, claim.attempt_id)["ended_at"] == at(2)
    assert store.position(request.id, at(29)) is None
    assert claim_next(store, SUPPORT, at(29), LEASE) is None
    assert store.position(request.id, at(30)) is not None
