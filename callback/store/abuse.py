"""Counters behind the public API's abuse limits, kept in the database so every instance
sees the same counts, and the tally of refusals by reason.

`admit` checks every window and records the request under each key in one transaction,
so two instances cannot both let the last allowed request through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import ABUSE_EVENT, ABUSE_REFUSAL, REQUEST, state_in
from callback.types import ACTIVE_STATES, E164, QueueName

_e = ABUSE_EVENT.c
_f = ABUSE_REFUSAL.c
# Arbitrary but fixed: PostgreSQL instances admitting at once take turns on this lock.
_PG_ADMIT_LOCK = 7_246_108_004


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` requests under `kind`/`key` within `length` before now."""

    kind: str
    key: str
    length: timedelta
    limit: int


@dataclass(frozen=True, slots=True)
class Exceeded:
    """The window that is full, and when its oldest counted request leaves it."""

    window: Window
    retry_after: timedelta


@dataclass(frozen=True, slots=True)
class RefusalCount:
    """How often one reason refused a request, first and last time."""

    reason: str
    count: int
    first_at: datetime
    last_at: datetime


class AbuseStore:
    """Sliding-window counters and refusal tallies in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def admit(self, windows: Sequence[Window], now: datetime) -> Exceeded | None:
        """The first full window, or None after counting the request in every window."""
        with write_transaction(self._engine) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_ADMIT_LOCK}
                )
            for window in windows:
                exceeded = _exceeded(connection, window, now)
                if exceeded is not None:
                    return exceeded
            rows = [{"kind": w.kind, "key": w.key, "at": now} for w in windows]
            if rows:
                connection.execute(insert(ABUSE_EVENT), rows)
            return None

    def count(self, kind: str, key: str, since: datetime, until: datetime) -> int:
        """Requests counted under `kind`/`key` in `[since, until)`."""
        with read_transaction(self._engine) as connection:
            return _count(connection, kind, key, since, until)

    def active_elsewhere(self, number: E164, queue: QueueName) -> int:
        """Unfinished requests for `number` in queues other than `queue`."""
        r = REQUEST.c
        query = (
            select(func.count())
            .select_from(REQUEST)
            .where(r.number == number, r.queue != queue, state_in(r.state, ACTIVE_STATES))
        )
        with read_transaction(self._engine) as connection:
            return int(connection.execute(query).scalar_one())

    def refused(self, reason: str, now: datetime) -> None:
        """Count one refusal for `reason`."""
        row = {"reason": reason, "count": 1, "first_at": now, "last_at": now}
        with write_transaction(self._engine) as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(ABUSE_REFUSAL).values(row)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[_f.reason],
                    set_={"count": _f.count + 1, "last_at": statement.excluded.last_at},
                )
            )

    def refusals(self) -> list[RefusalCount]:
        """Every reason counted so far, most frequent first."""
        query = select(_f.reason, _f.count, _f.first_at, _f.last_at).order_by(
            _f.count.desc(), _f.reason
        )
        with read_transaction(self._engine) as connection:
            return [RefusalCount(*row) for row in connection.execute(query).all()]

    def forget(self, before: datetime) -> int:
        """Delete counted requests older than `before` (no window looks that far back)."""
        with write_transaction(self._engine) as connection:
            return connection.execute(delete(ABUSE_EVENT).where(_e.at < before)).rowcount


def _count(connection: Connection, kind: str, key: str, since: datetime, until: datetime) -> int:
    query = (
        select(func.count())
        .select_from(ABUSE_EVENT)
        .where(_e.kind == kind, _e.key == key, _e.at >= since, _e.at < until)
    )
    return int(connection.execute(query).scalar_one())


def _exceeded(connection: Connection, window: Window, now: datetime) -> Exceeded | None:
    since = now - window.length
    counted = _count(connection, window.kind, window.key, since, now + timedelta(microseconds=1))
    if counted < window.limit:
        return None
    # One request must leave the window for each one over the limit, plus this one.
    query = (
        select(_e.at)
        .where(_e.kind == window.kind, _e.key == window.key, _e.at >= since)
        .order_by(_e.at)
        .offset(counted - window.limit)
        .limit(1)
    )
    oldest = connection.execute(query).scalar_one()
    return Exceeded(window, max(oldest + window.length - now, timedelta(seconds=1)))
