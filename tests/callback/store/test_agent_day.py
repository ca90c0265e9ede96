"""Each agent's figures: offers ended, handled (connected), handle time, answer rate."""

from __future__ import annotations

from datetime import timedelta

from callback.store import QueueStore
from callback.store.agent_day import AgentDay, agent_days
from callback.types import AgentId
from tests.callback.store.support import (
    LEASE,
    SALES,
    SUPPORT,
    at,
    claim_next,
    incoming,
    number,
    offer,
)


def test_figures_count_ended_offers_per_agent_within_the_span(store: QueueStore) -> None:
    offer(store, "alice", 1, (1, 5), "connected", rating=5)
    offer(store, "alice", 2, (10, 12), "connected", rating=2)
    offer(store, "alice", 3, (20, 21), "no_answer", rating=1)  # not alice's call: not hers
    offer(store, "boris", 4, (30, 40), "connected")
    offer(store, "boris", 5, (60 * 24 + 1, 60 * 24 + 2), "connected")  # the next day
    days = agent_days(store.engine, [SUPPORT], at(0), at(0) + timedelta(days=1))
    assert days == {
        AgentId("alice"): AgentDay(
            offers=3, handled=2, handle_seconds=6 * 60, ratings=2, rating_total=7
        ),
        AgentId("boris"): AgentDay(offers=1, handled=1, handle_seconds=10 * 60),
    }
    assert days[AgentId("alice")].average_handle == 180
    assert days[AgentId("alice")].answer_rate == 2 / 3
    assert days[AgentId("alice")].survey_score == 3.5
    assert days[AgentId("boris")].survey_score is None
    assert agent_days(store.engine, [SALES], at(0), at(0) + timedelta(days=1)) == {}


def test_an_open_attempt_does_not_count(store: QueueStore) -> None:
    store.enqueue(SUPPORT, number(1), incoming(0), at(0))
    assert claim_next(store, SUPPORT, at(1), LEASE, AgentId("alice")) is not None
    assert agent_days(store.engine, [SUPPORT], at(0), at(60)) == {}
    assert AgentDay().answer_rate is None
    assert AgentDay().average_handle is None
    assert AgentDay().survey_score is None
