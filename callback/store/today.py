"""Today's figures of one queue for the wallboard: a few aggregates over indexed ranges.

Every figure is a count or a sum over rows stamped inside [start, until), so the figures of
two adjacent ranges add up (`Today.plus`): the wallboard keeps the settled part of the day
and asks only for the minutes since.

A person counts as reached when the dial that connected them started (the claim of the
request's last attempt); their wait runs from their place in line (`virtual_start`), as
the measured patience does (callback.store.stats).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Connection,
    and_,
    bindparam,
    case,
    extract,
    func,
    literal,
    select,
    true,
    type_coerce,
)

from callback.store.tables import ATTEMPT, BROKEN_PROMISE, REQUEST, state_in
from callback.types import QueueName, State

_r, _a, _b = REQUEST.c, ATTEMPT.c, BROKEN_PROMISE.c
UNSERVED = frozenset({State.CANCELLED, State.EXPIRED})


@dataclass(frozen=True, slots=True)
class Today:
    """What one queue did between its local midnight and now."""

    offered: int = 0
    completed: int = 0
    abandoned: int = 0
    within_target: int = 0
    answer_seconds: float = 0.0
    promises_kept: int = 0
    promises_broken: int = 0

    def plus(self, other: Today) -> Today:
        """The figures of this range and an adjacent one together."""
        return Today(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def service_level(self) -> float | None:
        """Share of people reached within the target, of those reached or gone unserved."""
        handled = self.completed + self.abandoned
        return self.within_target / handled if handled else None

    @property
    def average_answer(self) -> float | None:
        """Mean seconds from joining the line to being reached, over completed callbacks."""
        return self.answer_seconds / self.completed if self.completed else None

    @property
    def abandonment(self) -> float | None:
        """Share of people who left before any dial, of those reached or gone unserved."""
        handled = self.completed + self.abandoned
        return self.abandoned / handled if handled else None


def _seconds(later: ColumnElement[Any], earlier: ColumnElement[Any], dialect: str) -> Any:
    # SQLite keeps microseconds since the epoch (callback.store.utc); PostgreSQL intervals.
    if dialect == "sqlite":
        micros = type_coerce(later, BigInteger) - type_coerce(earlier, BigInteger)
        return micros / literal(1_000_000.0)
    return extract("epoch", later - earlier)


_QUEUE: BindParameter[str] = bindparam("queue")
_START: BindParameter[datetime] = bindparam("start")
_UNTIL: BindParameter[datetime] = bindparam("until")
# Built once: the statements are the same on every build, only the bound values change.
_OFFERED = select(func.count()).where(
    _r.queue == _QUEUE, _r.created_at >= _START, _r.created_at < _UNTIL
)
_ABANDONED = select(func.count()).where(
    _r.queue == _QUEUE,
    _r.finished_at >= _START,
    _r.finished_at < _UNTIL,
    state_in(_r.state, UNSERVED),
    _r.attempts == 0,
)
_BROKEN = select(func.count()).where(_b.queue == _QUEUE, _b.at >= _START, _b.at < _UNTIL)


def _joined(dialect: str) -> tuple[Any, Any]:
    """Each request with its last attempt's claim, looked up by (request, fence)."""
    if dialect == "sqlite":
        return REQUEST.join(ATTEMPT, and_(_a.request_id == _r.id, _a.fence == _r.fence)), _a
    # PostgreSQL hashes the whole attempt history for a plain join; a LATERAL lookup with
    # LIMIT (never flattened into a join) reads one index entry per request instead.
    claim = select(_a.claimed_at).where(_a.request_id == _r.id, _a.fence == _r.fence).limit(1)
    found = claim.lateral("claim")
    return REQUEST.join(found, true()), found.c


def _reached_query(dialect: str) -> Any:
    """Completed in range: how many, how many within target, total wait, promises kept."""
    joined, claim = _joined(dialect)
    wait = _seconds(claim.claimed_at, _r.virtual_start, dialect)
    kept = and_(_r.promise_by.is_not(None), claim.claimed_at <= _r.promise_by)
    query = select(
        func.count(),
        func.sum(case((wait <= bindparam("target"), 1), else_=0)),
        func.sum(wait),
        func.sum(case((kept, 1), else_=0)),
    ).select_from(joined)
    return query.where(
        _r.queue == _QUEUE,
        _r.finished_at >= _START,
        _r.finished_at < _UNTIL,
        state_in(_r.state, {State.COMPLETED}),
    )


_REACHED = {dialect: _reached_query(dialect) for dialect in ("sqlite", "postgresql")}


def today(
    connection: Connection, queue: QueueName, start: datetime, until: datetime, target: timedelta
) -> Today:
    """The figures of `queue` over [start, until): rows stamped from `start`, before `until`."""
    span = {"queue": queue, "start": start, "until": until}
    offered = connection.execute(_OFFERED, span).scalar_one()
    abandoned = connection.execute(_ABANDONED, span).scalar_one()
    reached = connection.execute(
        _REACHED[connection.dialect.name], span | {"target": target.total_seconds()}
    ).one()
    broken = connection.execute(_BROKEN, span).scalar_one()
    return Today(
        offered=int(offered),
        completed=int(reached[0]),
        abandoned=int(abandoned),
        within_target=int(reached[1] or 0),
        answer_seconds=float(reached[2] or 0.0),
        promises_kept=int(reached[3] or 0),
        promises_broken=int(broken),
    )
