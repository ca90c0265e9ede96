"""The held part of the one line, on each backend: places kept, one order with the callbacks,
claims of a caller on hold with an agent, once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import Engine

from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.request import CallbackRequest
from callback.store import QueueStore
from callback.store.dispatching import DispatchStore, Offer, Offered
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldState
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId
from tests.callback.store.support import LEASE, SUPPORT, at, incoming, number

AGENTS = tuple(AgentId(f"agent-{n}") for n in range(8))


def _joining(sid: str, start: float, priority: int = 0) -> Joining:
    return Joining(
        call_sid=sid,
        queue=SUPPORT,
        queue_sid="QU" + "1" * 32,
        language="en",
        priority=priority,
        virtual_start=at(start),
    )


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _offer(agent: AgentId, callbacks: int = 1, *, serve_held: bool = True) -> Offer:
    def budget(_snapshot: Snapshot) -> Budget:
        return Budget(callbacks, Limit.NONE if callbacks else Limit.RESERVED_FOR_LIVE)

    return Offer(SUPPORT, agent, AGENTS, LEASE, _eligible, budget, serve_held)


def _on_duty(engine: Engine, *agents: AgentId) -> None:
    presence = PresenceStore(engine)
    presence.sync_roster(AGENTS, at(0))
    for agent in agents:
        assert presence.set_status(agent, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "t")


def _claimed(offered: Offered) -> str:
    if offered.held is not None:
        return offered.held.caller.call_sid
    return "request" if offered.claim is not None else "nothing"


def test_a_hold_round_keeps_the_place_and_a_put_back_caller_returns_to_it(engine: Engine) -> None:
    held = HeldStore(engine)
    first = held.join(_joining("CA1", 0), at(1))
    again = held.join(_joining("CA1", 5), at(6))  # a later round: the place stays
    assert (again.id, again.virtual_start, again.state) == (first.id, at(0), HeldState.HOLDING)
    _on_duty(engine, AGENTS[0])
    claim = DispatchStore(engine).offer(_offer(AGENTS[0]), at(7)).held
    assert claim is not None and claim.caller.state is HeldState.OFFERED
    back = held.end(claim.caller, HeldState.RETURNING, "agent_unavailable", at(8))
    assert back is not None and back.virtual_start == at(0)
    assert held.holding(SUPPORT) == 1  # counted in the line while it returns
    rejoined = held.join(_joining("CA1", 9), at(9))
    assert (rejoined.id, rejoined.virtual_start, rejoined.state) == (
        first.id,
        at(0),
        HeldState.HOLDING,
    )


def test_callers_on_hold_and_callbacks_are_claimed_in_one_order(
    engine: Engine, store: QueueStore
) -> None:
    held = HeldStore(engine)
    store.enqueue(SUPPORT, number(1), incoming(1), at(1))  # a callback from minute 1
    held.join(_joining("CA-early", 0), at(2))  # the caller arrived at minute 0
    held.join(_joining("CA-late", 3), at(4))
    store.enqueue(SUPPORT, number(2), incoming(5, priority=1), at(5))  # a priority callback
    _on_duty(engine, *AGENTS[:5])
    claims = DispatchStore(engine)
    order = [_claimed(claims.offer(_offer(agent), at(6))) for agent in AGENTS[:5]]
    assert order == ["request", "CA-early", "request", "CA-late", "nothing"]


def test_reserved_agents_take_only_callers_on_hold(engine: Engine, store: QueueStore) -> None:
    held = HeldStore(engine)
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))  # ahead of the caller
    held.join(_joining("CA1", 1), at(1))
    _on_duty(engine, *AGENTS[:2])
    claims = DispatchStore(engine)
    assert _claimed(claims.offer(_offer(AGENTS[0], callbacks=0), at(2))) == "CA1"
    assert _claimed(claims.offer(_offer(AGENTS[1], callbacks=0), at(2))) == "nothing"


def test_external_live_callers_are_never_claimed(engine: Engine, store: QueueStore) -> None:
    HeldStore(engine).join(_joining("CA1", 0), at(0))
    store.enqueue(SUPPORT, number(1), incoming(1), at(1))
    _on_duty(engine, *AGENTS[:2])
    claims = DispatchStore(engine)
    assert _claimed(claims.offer(_offer(AGENTS[0], serve_held=False), at(2))) == "request"
    assert _claimed(claims.offer(_offer(AGENTS[1], serve_held=False), at(2))) == "nothing"


def test_concurrent_offers_give_each_caller_to_one_agent(engine: Engine) -> None:
    held = HeldStore(engine)
    for n in range(3):
        held.join(_joining(f"CA{n}", n), at(n))
    _on_duty(engine, *AGENTS)
    claims = DispatchStore(engine)
    with ThreadPoolExecutor(len(AGENTS)) as pool:
        offered = list(pool.map(lambda agent: claims.offer(_offer(agent), at(5)), AGENTS))
    taken = [o.held for o in offered if o.held is not None]
    assert sorted(claim.caller.call_sid for claim in taken) == ["CA0", "CA1", "CA2"]
    assert len({claim.agent_id for claim in taken}) == 3
    busy = [p.agent_id for p in PresenceStore(engine).everyone() if p.status is AgentStatus.BUSY]
    assert sorted(busy) == sorted(claim.agent_id for claim in taken)
