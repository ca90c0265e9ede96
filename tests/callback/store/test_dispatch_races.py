"""The race a claim must survive on PostgreSQL: the agent is taken by someone else between
the claim's read of who is free and its hold on them. The claim rolls back whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, Table, func, select

from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.request import CallbackRequest
from callback.store import QueueStore, make_engine
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldState
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.tables import ATTEMPT, HELD_OFFER
from callback.types import AgentId, State
from tests.callback.service.test_held import SID
from tests.callback.store.support import LEASE, SUPPORT, at, incoming, number

ALICE = AgentId("alice")

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one PostgreSQL database: the claimer's and the rival's."""
    engines = make_engine(pg_url), make_engine(pg_url)
    try:
        yield engines
    finally:
        for engine in engines:
            engine.dispose()


def _available(engine: Engine) -> None:
    presence = PresenceStore(engine)
    presence.sync_roster([ALICE], at(0))
    presence.set_status(ALICE, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "t")


def _offer_while_rival_takes_alice(claimer: Engine, rival: Engine) -> Budget:
    def budget(_snapshot: Snapshot) -> Budget:
        # Runs after the claim read Alice as free: a supervisor moves her away meanwhile.
        moved = PresenceStore(rival).set_status(
            ALICE, AgentStatus.AVAILABLE, AgentStatus.AWAY, at(1), "rival"
        )
        assert moved
        return Budget(1, Limit.NONE)

    offer = Offer(SUPPORT, ALICE, (ALICE,), LEASE, _eligible, budget)
    offered = DispatchStore(claimer).offer(offer, at(1))
    assert offered.claim is None and offered.held is None
    return offered.budget


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_callback_claim_whose_agent_is_taken_meanwhile_rolls_back(
    pg: tuple[Engine, Engine],
) -> None:
    claimer, rival = pg
    store = QueueStore(claimer)
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    _available(claimer)
    assert _offer_while_rival_takes_alice(claimer, rival).allowed == 1
    again = store.get(request.id)
    assert again is not None and again.state is State.WAITING and again.attempts == 0
    assert _count(claimer, ATTEMPT) == 0
    alice = PresenceStore(claimer).get(ALICE)
    assert alice is not None and alice.status is AgentStatus.AWAY


def test_a_held_claim_whose_agent_is_taken_meanwhile_rolls_back(
    pg: tuple[Engine, Engine],
) -> None:
    claimer, rival = pg
    HeldStore(claimer).join(Joining(SID, SUPPORT, "QU" + "1" * 32, "en", 0, at(0)), at(0))
    _available(claimer)
    _offer_while_rival_takes_alice(claimer, rival)
    caller = HeldStore(claimer).by_sid(SID)
    assert caller is not None and caller.state is HeldState.HOLDING
    assert _count(claimer, HELD_OFFER) == 0
