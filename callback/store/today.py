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

from callback.store.tables import (
    ATTEMPT,
    BROKEN_PROMISE,
    HELD_CALL,
    HELD_OFFER,
    REQUEST,
    state_in,
)
from callback.types import QueueName, State

_r, _a, _b, _h, _o = REQUEST.c, ATTEMPT.c, BROKEN_PROMISE.c, HELD_CALL.c, HELD_OFFER.c
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
    served_held: int = 0
    """Callers on hold connected to an agent."""
    estimated: int = 0
    """Completed callbacks that were told a wait (a promise) when they joined."""
    estimate_error_seconds: float = 0.0
    estimate_in_range: int = 0

    def plus(self, other: Today) -> Today:
        """The figures of this range and an adjacent one together."""
        return Today(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def handled(self) -> int:
        """People connected to an agent: completed callbacks and callers served from hold."""
        return self.completed + self.served_held

    @property
    def service_level(self) -> float | None:
        """Share of people reached within the target, of those reached or gone unserved."""
        ended = self.handled + self.abandoned
        return self.within_target / ended if ended else None

    @property
    def average_answer(self) -> float | None:
        """Mean seconds from joining the line to being reached, over those handled."""
        return self.answer_seconds / self.handled if self.handled else None

    @property
    def abandonment(self) -> float | None:
        """Share of people who left before anyone reached them, of those reached or gone."""
        ended = self.handled + self.abandoned
        return self.abandoned / ended if ended else None

    @property
    def estimate_error(self) -> float | None:
        """Mean absolute seconds between the wait told and the wait that happened."""
        return self.estimate_error_seconds / self.estimated if self.estimated else None

    @property
    def estimate_hit_rate(self) -> float | None:
        """Share of told waits whose real wait fell inside the announced range."""
        return self.estimate_in_range / self.estimated if self.estimated else None


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
    """Completed in range: how many, how many within target, total wait, promises kept, and
    the wait told against the wait that happened."""
    joined, claim = _joined(dialect)
    wait = _seconds(claim.claimed_at, _r.virtual_start, dialect)
    kept = and_(_r.promise_by.is_not(None), claim.claimed_at <= _r.promise_by)
    told = _r.promise_wait_s.is_not(None)
    actual = _seconds(claim.claimed_at, _r.promise_announced_at, dialect)
    inside = and_(told, actual >= _r.promise_low_s, actual <= _r.promise_high_s)
    query = select(
        func.count(),
        func.sum(case((wait <= bindparam("target"), 1), else_=0)),
        func.sum(wait),
        func.sum(case((kept, 1), else_=0)),
        func.sum(case((told, 1), else_=0)),
        func.sum(case((told, func.abs(actual - _r.promise_wait_s)), else_=0)),
        func.sum(case((inside, 1), else_=0)),
    ).select_from(joined)
    return query.where(
        _r.queue == _QUEUE,
        _r.finished_at >= _START,
        _r.finished_at < _UNTIL,
        state_in(_r.state, {State.COMPLETED}),
    )


_REACHED = {dialect: _reached_query(dialect) for dialect in ("sqlite", "postgresql")}
# Callers on hold: offered as they join, less those who left for a callback (offered again as
# that callback) as they leave; both are fixed once stamped, so a kept range never changes.
_HELD_JOINED = select(func.count()).where(
    _h.queue == _QUEUE, _h.joined_at >= _START, _h.joined_at < _UNTIL
)


def _held_query(dialect: str) -> Any:
    """Callers on hold whose call ended in range: served (within target, wait), abandoned, left."""
    served = _h.state == "served"
    wait = _seconds(_o.claimed_at, _h.virtual_start, dialect)
    joined = HELD_CALL.outerjoin(HELD_OFFER, and_(_o.held_id == _h.id, _o.fence == _h.fence))
    query = select(
        func.sum(case((served, 1), else_=0)),
        func.sum(case((and_(served, wait <= bindparam("target")), 1), else_=0)),
        func.sum(case((served, wait), else_=0)),
        func.sum(case((_h.state == "abandoned", 1), else_=0)),
        func.sum(case((_h.state == "left", 1), else_=0)),
    ).select_from(joined)
    return query.where(_h.queue == _QUEUE, _h.ended_at >= _START, _h.ended_at < _UNTIL)


_HELD = {dialect: _held_query(dialect) for dialect in ("sqlite", "postgresql")}


def today(
    connection: Connection, queue: QueueName, start: datetime, until: datetime, target: timedelta
) -> Today:
    """The figures of `queue` over [start, until): rows stamped from `start`, before `until`."""
    span = {"queue": queue, "start": start, "until": until}
    aimed = span | {"target": target.total_seconds()}
    dialect = connection.dialect.name
    offered = connection.execute(_OFFERED, span).scalar_one()
    abandoned = connection.execute(_ABANDONED, span).scalar_one()
    reached = connection.execute(_REACHED[dialect], aimed).one()
    broken = connection.execute(_BROKEN, span).scalar_one()
    joined = connection.execute(_HELD_JOINED, span).scalar_one()
    held = [value or 0 for value in connection.execute(_HELD[dialect], aimed).one()]
    return Today(
        offered=int(offered) + int(joined) - int(held[4]),
        completed=int(reached[0]),
        abandoned=int(abandoned) + int(held[3]),
        within_target=int(reached[1] or 0) + int(held[1]),
        answer_seconds=float(reached[2] or 0.0) + float(held[2]),
        promises_kept=int(reached[3] or 0),
        promises_broken=int(broken),
        served_held=int(held[0]),
        estimated=int(reached[4] or 0),
        estimate_error_seconds=float(reached[5] or 0.0),
        estimate_in_range=int(reached[6] or 0),
    )
