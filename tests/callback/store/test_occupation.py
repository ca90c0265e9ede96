"""Measured occupation per attempt and per hold offer: ringing and talk, plus the wrap-up."""

from datetime import datetime, timedelta

from sqlalchemy import Engine

from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.request import CallbackRequest
from callback.service.held import HeldService
from callback.store import QueueStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId
from tests.callback.store.support import LEASE, SUPPORT, at, claim_next, incoming, number

ANN, BOB, CAT = AgentId("ann"), AgentId("bob"), AgentId("cat")


def _serve(
    store: QueueStore, n: int, agent: AgentId, claimed: float, ended: float, outcome: str
) -> None:
    store.enqueue(SUPPORT, number(n), incoming(0), at(0))
    claim = claim_next(store, SUPPORT, at(claimed), LEASE, agent)
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, outcome, at(ended))


def test_wrap_up_counts_until_the_agent_is_free_again(engine: Engine, store: QueueStore) -> None:
    presence = PresenceStore(engine)
    presence.sync_roster([ANN], at(0))
    assert presence.set_status(ANN, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(1), "in")
    _serve(store, 1, ANN, claimed=10, ended=14, outcome="connected")  # the claim holds her busy
    assert presence.set_status(ANN, AgentStatus.BUSY, AgentStatus.WRAP_UP, at(14), "wrap")
    assert presence.set_status(ANN, AgentStatus.WRAP_UP, AgentStatus.AVAILABLE, at(16), "ready")
    seen = store.measured(SUPPORT, at(0), at(30))
    # Claimed at 10, free again at 16: the wrap-up's two minutes are occupation too.
    assert (seen.attempts, seen.mean_handle) == (1, timedelta(minutes=6))


def test_a_wrap_up_still_running_counts_to_the_call_end(engine: Engine, store: QueueStore) -> None:
    presence = PresenceStore(engine)
    presence.sync_roster([ANN], at(0))
    assert presence.set_status(ANN, AgentStatus.OFFLINE, AgentStatus.WRAP_UP, at(14), "wrap")
    assert presence.set_status(ANN, AgentStatus.WRAP_UP, AgentStatus.AVAILABLE, at(40), "ready")
    _serve(store, 1, ANN, claimed=10, ended=14, outcome="connected")
    # At 30 the agent's release (at 40) has not happened yet: the call's own 4 minutes.
    assert store.measured(SUPPORT, at(0), at(30)).mean_handle == timedelta(minutes=4)


def test_unanswered_attempts_are_counted(store: QueueStore) -> None:
    _serve(store, 1, ANN, claimed=10, ended=11, outcome="no_answer")
    _serve(store, 2, BOB, claimed=10, ended=11, outcome="machine")
    _serve(store, 3, CAT, claimed=12, ended=16, outcome="connected")
    seen = store.measured(SUPPORT, at(0), at(30))
    assert (seen.attempts, seen.dials, seen.unanswered) == (3, 3, 2)
    # No agent's presence changes after its attempt: each counts from claim to end.
    assert seen.mean_handle == timedelta(minutes=2)


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _budget(_snapshot: Snapshot) -> Budget:
    return Budget(1, Limit.NONE)


def test_callers_on_hold_put_through_are_measured_apart(engine: Engine, store: QueueStore) -> None:
    presence = PresenceStore(engine)
    presence.sync_roster([ANN, BOB], at(0))
    for agent in (ANN, BOB):
        assert presence.set_status(agent, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(1), "in")
    held = HeldStore(engine)
    held.join(Joining("CA" + "7" * 32, SUPPORT, "QU" + "7" * 32, "en", 0, at(0)), at(0))
    offer = Offer(SUPPORT, ANN, (ANN,), LEASE, _eligible, _budget)
    claim = DispatchStore(engine).offer(offer, at(10)).held
    assert claim is not None
    service = HeldService(held, None)
    assert service.dial_ended(claim.caller.id, claim.fence, "completed", "in-progress", at(17))
    assert presence.set_status(ANN, AgentStatus.BUSY, AgentStatus.WRAP_UP, at(17), "wrap")
    assert presence.set_status(ANN, AgentStatus.WRAP_UP, AgentStatus.AVAILABLE, at(19), "ready")
    _serve(store, 1, BOB, claimed=20, ended=22, outcome="connected")  # a short callback
    seen = store.measured(SUPPORT, at(0), at(30))
    # Ann: put through at 10, talked until 17, wrapped up until 19; Bob's callback 2 minutes.
    assert (seen.offers, seen.live_handle) == (1, timedelta(minutes=9))
    assert (seen.attempts, seen.mean_handle) == (1, timedelta(minutes=2))
