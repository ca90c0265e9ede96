"""The settle use case against each backend: a call's final status settles its attempt once,
and a request that moved on meanwhile keeps where it went."""

from __future__ import annotations

import pytest

from callback.config import SupervisorConfig, load_config
from callback.retry import DialOutcome
from callback.service.settle import Settler
from callback.store import Claim, QueueStore
from callback.store.calls import CallStore
from callback.store.settling import SettleStore
from callback.types import State
from tests.callback.config.test_loader import EXAMPLE
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number

SID = "CA" + "4" * 32


@pytest.fixture(scope="module")
def example() -> SupervisorConfig:
    return load_config(EXAMPLE)


def _settler(store: QueueStore) -> Settler:
    return Settler(SettleStore(store.engine), store, CallStore(store.engine))


def _dialling(store: QueueStore) -> Claim:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE)
    assert claim is not None
    assert CallStore(store.engine).attach(claim.attempt_id, claim.fence, SID)
    return claim


def test_a_final_status_settles_its_attempt_once(
    store: QueueStore, example: SupervisorConfig
) -> None:
    claim = _dialling(store)
    settler = _settler(store)
    moved = settler.settle_call(example, SID, "busy", at(2))
    assert moved is not None and moved.id == claim.request.id
    assert moved.state is State.WAITING  # busy: tried again later
    assert settler.settle_call(example, SID, "busy", at(3)) is None  # the repeat settles nothing
    assert settler.settle(example, claim, DialOutcome.BUSY, at(3)) is None


def test_a_status_for_an_unknown_call_settles_nothing(
    store: QueueStore, example: SupervisorConfig
) -> None:
    _dialling(store)
    assert _settler(store).settle_call(example, "CA" + "5" * 32, "completed", at(2)) is None


def test_a_request_cancelled_during_its_dial_stays_cancelled(
    store: QueueStore, example: SupervisorConfig
) -> None:
    claim = _dialling(store)
    store.transition(claim.request.id, State.CANCELLED, at(2))
    settler = _settler(store)
    assert settler.settle_call(example, SID, "no-answer", at(3)) is None
    again = store.get(claim.request.id)
    assert again is not None and again.state is State.CANCELLED


def test_a_cancelled_request_still_gets_its_attempt_closed(
    store: QueueStore, example: SupervisorConfig
) -> None:
    claim = _dialling(store)
    store.transition(claim.request.id, State.CANCELLED, at(2))
    assert _settler(store).settle(example, claim, DialOutcome.NO_ANSWER, at(3)) is None
    attempt = CallStore(store.engine).attempt_for(SID)
    assert attempt is not None and attempt.ended
