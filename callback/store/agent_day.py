"""Each agent's figures over a span (the console shows today's): offers, handled, handle time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from callback.retry import DialOutcome
from callback.store.engine import read_transaction
from callback.store.tables import ATTEMPT
from callback.types import AgentId

_a = ATTEMPT.c
_OFFERS = select(_a.agent_id, _a.outcome, _a.claimed_at, _a.ended_at).where(
    _a.agent_id.is_not(None)
)


@dataclass(frozen=True, slots=True)
class AgentDay:
    """One agent's dial attempts over a span."""

    offers: int = 0
    """Ended dial attempts this agent was held for."""
    handled: int = 0
    """Of those, the ones that ended connected (the call happened)."""
    handle_seconds: float = 0.0
    """Total time from claim to end of the handled ones."""

    @property
    def answer_rate(self) -> float | None:
        """Handled per offer; None without offers."""
        return self.handled / self.offers if self.offers else None

    @property
    def average_handle(self) -> float | None:
        """Average seconds per handled call; None without any."""
        return self.handle_seconds / self.handled if self.handled else None


def agent_days(engine: Engine, since: datetime, until: datetime) -> dict[AgentId, AgentDay]:
    """Every agent's figures for attempts claimed in [since, until) and ended by now."""
    query = _OFFERS.where(_a.claimed_at >= since, _a.claimed_at < until, _a.ended_at.is_not(None))
    days: dict[AgentId, AgentDay] = {}
    with read_transaction(engine) as connection:
        for agent, outcome, claimed, ended in connection.execute(query):
            days[AgentId(agent)] = _add(
                days.get(AgentId(agent), AgentDay()), outcome, claimed, ended
            )
    return days


def _add(day: AgentDay, outcome: str | None, claimed: datetime, ended: datetime) -> AgentDay:
    if outcome != DialOutcome.CONNECTED.value:
        return AgentDay(day.offers + 1, day.handled, day.handle_seconds)
    seconds = (ended - claimed).total_seconds()
    return AgentDay(day.offers + 1, day.handled + 1, day.handle_seconds + seconds)
