"""Each agent's figures over a span (the console shows today's): offers, handled, handle time."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from callback.retry import DialOutcome
from callback.store.engine import read_transaction
from callback.store.tables import ATTEMPT, REQUEST
from callback.types import AgentId

_a = ATTEMPT.c
_OFFERS = (
    select(_a.agent_id, _a.outcome, _a.claimed_at, _a.ended_at, REQUEST.c.contexts)
    .join(REQUEST, REQUEST.c.id == _a.request_id)
    .where(_a.agent_id.is_not(None))
)
SURVEY_KEY = "survey_rating"
"""The context field the outbound call's survey stores its 1-5 rating in."""


@dataclass(frozen=True, slots=True)
class AgentDay:
    """One agent's dial attempts over a span."""

    offers: int = 0
    """Ended dial attempts this agent was held for."""
    handled: int = 0
    """Of those, the ones that ended connected (the call happened)."""
    handle_seconds: float = 0.0
    """Total time from claim to end of the handled ones."""
    ratings: int = 0
    """Survey ratings given after the handled calls."""
    rating_total: int = 0

    @property
    def answer_rate(self) -> float | None:
        """Handled per offer; None without offers."""
        return self.handled / self.offers if self.offers else None

    @property
    def average_handle(self) -> float | None:
        """Average seconds per handled call; None without any."""
        return self.handle_seconds / self.handled if self.handled else None

    @property
    def survey_score(self) -> float | None:
        """Average survey rating (1-5) of the handled calls; None without any."""
        return self.rating_total / self.ratings if self.ratings else None


def agent_days(
    engine: Engine, queues: Collection[str], since: datetime, until: datetime
) -> dict[AgentId, AgentDay]:
    """Every agent's figures for attempts of `queues` claimed in [since, until), now ended."""
    # By queue and claim time: the (queue, claimed_at) index reads one day, not the history.
    query = _OFFERS.where(
        _a.queue.in_(sorted(queues)),
        _a.claimed_at >= since,
        _a.claimed_at < until,
        _a.ended_at.is_not(None),
    )
    days: dict[AgentId, AgentDay] = {}
    with read_transaction(engine) as connection:
        for agent, outcome, claimed, ended, contexts in connection.execute(query):
            day = days.get(AgentId(agent), AgentDay())
            days[AgentId(agent)] = _add(day, outcome, (ended - claimed).total_seconds(), contexts)
    return days


def _add(day: AgentDay, outcome: str | None, seconds: float, contexts: list[Any]) -> AgentDay:
    if outcome != DialOutcome.CONNECTED.value:
        return replace(day, offers=day.offers + 1)
    ratings = [rating for rating in map(_rating, contexts) if rating is not None]
    return AgentDay(
        offers=day.offers + 1,
        handled=day.handled + 1,
        handle_seconds=day.handle_seconds + seconds,
        ratings=day.ratings + len(ratings),
        rating_total=day.rating_total + sum(ratings),
    )


def _rating(context: Any) -> int | None:
    """The survey rating in one stored context entry, if it is one."""
    data = context.get("data") if isinstance(context, dict) else None
    rating = data.get(SURVEY_KEY) if isinstance(data, dict) else None
    return rating if isinstance(rating, int) and 1 <= rating <= 5 else None
