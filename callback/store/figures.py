"""The figures a metrics scrape reads: the line, agents and tallies, in two cheap queries.

Every part of the first query follows a partial index (the line, the calls in progress, the
callers on hold), so a long history costs nothing. Dials and broken promises are read for a
window of time on indexed time columns (the scraper adds each window to its totals); the
agents and the refusal tally are small tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    CompoundSelect,
    Engine,
    Row,
    bindparam,
    case,
    func,
    literal,
    select,
    union_all,
)

from callback.store.engine import read_transaction
from callback.store.tables import (
    ABUSE_REFUSAL,
    ATTEMPT,
    BROKEN_PROMISE,
    ON_CALL_STATES,
    PHONE_CALL,
    PRESENCE,
    REQUEST,
    state_in,
)
from callback.types import PENDING_STATES, State

ON_HOLD = "on_hold"
"""The line state of a caller holding on the phone (next to the request states)."""
_PENDING = "pending"

_r = REQUEST.c
_a = ATTEMPT.c


@dataclass(frozen=True, slots=True)
class LineFigure:
    """How many of a queue's line are in one state, and since when the oldest joined."""

    queue: str
    state: str
    count: int
    oldest: datetime | None


@dataclass(frozen=True, slots=True)
class Tally:
    """One counted figure: its kind (agents, dials ...), its labels and its count."""

    kind: str
    first: str
    second: str
    count: int


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything one scrape reads from the database."""

    line: Sequence[LineFigure]
    tallies: Sequence[Tally]


def _line_query() -> CompoundSelect[str, str, int, int, datetime | None]:
    # Three parts, each matching one partial index's predicate exactly. The line itself is
    # grouped by queue alone, the order of its index, so SQLite needs no sort: waiting and
    # scheduled are told apart by a sum (the scheduled are the rest).
    waiting = _r.state == State.WAITING.value
    pending = (
        select(
            _r.queue,
            literal(_PENDING),
            func.count(),
            func.sum(case((waiting, 1), else_=0)),
            func.min(case((waiting, _r.virtual_start))),
        )
        .where(state_in(_r.state, PENDING_STATES))
        .group_by(_r.queue)
    )
    on_call = (
        select(_r.queue, _r.state, func.count(), literal(0), func.min(_r.virtual_start))
        .where(state_in(_r.state, ON_CALL_STATES))
        .group_by(_r.queue, _r.state)
    )
    hold = PHONE_CALL.c
    on_hold = (
        select(hold.queue, literal(ON_HOLD), func.count(), func.count(), func.min(hold.hold_since))
        .where(hold.hold_since.is_not(None))
        .group_by(hold.queue)
    )
    return union_all(pending, on_call, on_hold)


def _figures(row: Row[str, str, int, int, datetime | None]) -> list[LineFigure]:
    queue, state, count, waiting, oldest = row
    if state != _PENDING:
        return [LineFigure(queue, state, count, oldest)]
    return [
        LineFigure(queue, State.WAITING.value, waiting, oldest),
        LineFigure(queue, State.SCHEDULED.value, count - waiting, None),
    ]


def _tally_query() -> CompoundSelect[str, str, str, int]:
    since = bindparam("since", type_=_a.ended_at.type)
    until = bindparam("until", type_=_a.ended_at.type)
    agents = select(literal("agents"), PRESENCE.c.status, literal(""), func.count()).group_by(
        PRESENCE.c.status
    )
    # `queue IN (...)` lets both databases range-scan (queue, ended_at) per queue.
    dials = (
        select(literal("dials"), _a.queue, func.coalesce(_a.outcome, "unknown"), func.count())
        .where(_a.queue.in_(bindparam("queues", expanding=True)))
        .where(_a.ended_at >= since, _a.ended_at < until)
        .group_by(_a.queue, _a.outcome)
    )
    broken = (
        select(literal("broken"), BROKEN_PROMISE.c.queue, literal(""), func.count())
        .where(BROKEN_PROMISE.c.at >= since, BROKEN_PROMISE.c.at < until)
        .group_by(BROKEN_PROMISE.c.queue)
    )
    refusals = select(
        literal("refusals"), ABUSE_REFUSAL.c.reason, literal(""), ABUSE_REFUSAL.c.count
    )
    return union_all(agents, dials, broken, refusals)


class FiguresStore:
    """Reads the scrape's figures in one read transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # Built once: building a statement costs more than running these ones.
        self._line = _line_query()
        self._tallies = _tally_query()

    def read(self, queues: Sequence[str], since: datetime, until: datetime) -> Figures:
        """The line by queue and state; agents; dials and broken promises from `since` until
        before `until`; refusals."""
        window = {"since": since, "until": until, "queues": list(queues)}
        with read_transaction(self._engine) as connection:
            line = [part for row in connection.execute(self._line) for part in _figures(row)]
            rows = connection.execute(self._tallies, window).all()
        return Figures(line=line, tallies=[Tally(*row) for row in rows])
