"""One busy hour of the support queue (10:00-11:00 on Monday 2 March 2026), recorded
through the store's own paths: what staffing advice is measured from in the tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.request import CallbackRequest
from callback.store import QueueStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldState
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId, QueueName
from tests.callback.store.support import LEASE, claim_next, incoming, number
from tests.webhooks.conftest import MONDAY_10

SUPPORT = QueueName("support")


def _minute(minutes: float) -> datetime:
    return MONDAY_10 + timedelta(minutes=minutes)


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _reserved(_snapshot: Snapshot) -> Budget:
    return Budget(0, Limit.RESERVED_FOR_LIVE)


def record_callbacks(store: QueueStore) -> None:
    """30 web callbacks, one every other minute from 10:00, each served in 240 s."""
    for k in range(30):
        start = _minute(2 * k)
        store.enqueue(SUPPORT, number(k), incoming(0), start)
        claim = claim_next(store, SUPPORT, start, LEASE)
        assert claim is not None
        ended = start + timedelta(seconds=240)
        assert store.finish_attempt(claim.attempt_id, claim.fence, "connected", ended)


def record_held_callers(engine: Engine) -> None:
    """30 callers hold, one every other minute from 10:01, each for 100 s: 5 hang up, an
    agent takes the other 25 and talks for 240 s."""
    held, claims, presence = HeldStore(engine), DispatchStore(engine), PresenceStore(engine)
    for k in range(30):
        joined = _minute(2 * k + 1)
        caller = held.join(Joining(f"CA{k}", SUPPORT, "QU" + "1" * 32, "en", 0, joined), joined)
        taken = joined + timedelta(seconds=100)
        if k < 5:
            assert held.finish_holding(caller, HeldState.ABANDONED, taken) is not None
            continue
        agent = AgentId(f"held-{k}")
        presence.sync_roster([agent], joined)
        assert presence.set_status(agent, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, joined, "in")
        claim = claims.offer(Offer(SUPPORT, agent, (agent,), LEASE, _eligible, _reserved), taken)
        assert claim.held is not None
        ended = taken + timedelta(seconds=240)
        assert held.end(claim.held.caller, HeldState.SERVED, "connected", ended) is not None
