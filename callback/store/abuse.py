"""Counters behind the public API's abuse limits, kept in the database so every instance
sees the same counts, and the tally of refusals by reason.

`admit` checks every window and records the request under each key in one transaction, and
admissions take turns (SQLite: `BEGIN IMMEDIATE`, the database's one write lock; PostgreSQL: a
transaction-scoped advisory lock, then READ COMMITTED reads that see every admission committed
before it), so no two of them, in one process or in several, decide on the same count. A window
counts everything since its start, including requests stamped after this one's `now`: requests
read the clock as they arrive, not in the order they take their turns. `admission` opens that
transaction for a caller that has more to read before deciding (the number's other requests,
the breaker's counts), so a request's limits cost one transaction, not one each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Engine,
    Select,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import ABUSE_EVENT, ABUSE_REFUSAL, REQUEST, state_in
from callback.types import ACTIVE_STATES, E164, QueueName

_e = ABUSE_EVENT.c
_f = ABUSE_REFUSAL.c
# Arbitrary but fixed: PostgreSQL instances admitting at once take turns on this lock.
_PG_ADMIT_LOCK = 7_246_108_004
# READ COMMITTED whatever the server's default: a REPEATABLE READ snapshot would be taken before
# the wait for the lock and miss every admission committed meanwhile. One round trip for both.
_PG_TAKE_TURN = (
    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; "
    f"SELECT pg_advisory_xact_lock({_PG_ADMIT_LOCK})"
)


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` requests under `kind`/`key` counted since `length` before now."""

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
class Span:
    """Requests counted under `kind`/`key` in `[since, until)`."""

    kind: str
    key: str
    since: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class Counted:
    """What an admission reads before it decides: the number's unfinished requests in other
    queues, the requests in one span (the breaker's) and in each window since its start."""

    active_elsewhere: int
    in_span: int
    windows: tuple[int, ...]


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
        with self.admission() as admission:
            return admission.admit(windows, now)

    @contextmanager
    def admission(self) -> Iterator[Admission]:
        """One write transaction, taken in turn with every other admission, to admit in."""
        with write_transaction(self._engine) as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(_PG_TAKE_TURN)
            yield Admission(connection)

    def count(self, kind: str, key: str, since: datetime, until: datetime) -> int:
        """Requests counted under `kind`/`key` in `[since, until)`."""
        with read_transaction(self._engine) as connection:
            return _count(connection, kind, key, since, until)

    def active_elsewhere(self, number: E164, queue: QueueName) -> int:
        """Unfinished requests for `number` in queues other than `queue`."""
        with read_transaction(self._engine) as connection:
            return _active_elsewhere(connection, number, queue)

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


class Admission:
    """The reads and the count of one admission, all in its transaction (see `admission`)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        """The admission's transaction, for a use case that writes what it admits in it too."""
        return self._connection

    def count(self, kind: str, key: str, since: datetime, until: datetime) -> int:
        """Requests counted under `kind`/`key` in `[since, until)`."""
        return _count(self._connection, kind, key, since, until)

    def active_elsewhere(self, number: E164, queue: QueueName) -> int:
        """Unfinished requests for `number` in queues other than `queue`."""
        return _active_elsewhere(self._connection, number, queue)

    def admit(self, windows: Sequence[Window], now: datetime) -> Exceeded | None:
        """The first full window, or None after counting the request in every window."""
        if not windows:
            return None
        counts = _window_counts(self._connection, windows, now)
        for window, counted in zip(windows, counts, strict=True):
            if counted >= window.limit:
                return _exceeded(self._connection, window, counted, now)
        self.record(windows, now)
        return None

    def read(
        self, number: E164, queue: QueueName, span: Span, windows: Sequence[Window], now: datetime
    ) -> Counted:
        """`active_elsewhere`, `count` over `span` and each window's count, in one statement."""
        values = _window_values(windows, now) | {"number": number, "queue": queue}
        values |= {"span_kind": span.kind, "span_key": span.key, "span_since": span.since}
        values["span_until"] = span.until
        rows = self._connection.execute(_reads(len(windows)), values)
        counts = {n: int(counted) for n, counted in rows}
        found = tuple(counts[n] for n in range(len(windows)))
        return Counted(counts[_ELSEWHERE], counts[_SPAN], found)

    def exceeded(self, window: Window, counted: int, now: datetime) -> Exceeded:
        """How long until the full `window`, which counted `counted` requests, has room."""
        return _exceeded(self._connection, window, counted, now)

    def record(self, windows: Sequence[Window], now: datetime) -> None:
        """Count the request in every window."""
        rows = [{"kind": w.kind, "key": w.key, "at": now} for w in windows]
        self._connection.execute(_INSERT_EVENT, rows)


def _count(connection: Connection, kind: str, key: str, since: datetime, until: datetime) -> int:
    values = {"kind0": kind, "key0": key, "since0": since, "until": until}
    return int(connection.execute(_COUNT, values).one().counted)


def _window_values(windows: Sequence[Window], now: datetime) -> dict[str, object]:
    values: dict[str, object] = {}
    for n, w in enumerate(windows):
        values |= {f"kind{n}": w.kind, f"key{n}": w.key, f"since{n}": now - w.length}
    return values


def _window_counts(connection: Connection, windows: Sequence[Window], now: datetime) -> list[int]:
    """Requests counted in each window since its start, in one statement."""
    values = _window_values(windows, now)
    query = _COUNTS[len(windows) - 1] if len(windows) <= len(_COUNTS) else _counts(len(windows))
    counts = {n: counted for n, counted in connection.execute(query, values)}
    return [int(counts[n]) for n in range(len(windows))]


def _active_elsewhere(connection: Connection, number: E164, queue: QueueName) -> int:
    values = {"number": number, "queue": queue}
    return int(connection.execute(_ACTIVE_ELSEWHERE, values).scalar_one())


def _exceeded(connection: Connection, window: Window, counted: int, now: datetime) -> Exceeded:
    # One request must leave the window for each one over the limit, plus this one.
    query = (
        select(_e.at)
        .where(_e.kind == window.kind, _e.key == window.key, _e.at >= now - window.length)
        .order_by(_e.at)
        .offset(counted - window.limit)
        .limit(1)
    )
    oldest = connection.execute(query).scalar_one()
    return Exceeded(window, max(oldest + window.length - now, timedelta(seconds=1)))


def _count_in(n: int) -> Select[int, int]:
    """Requests under the n-th window's kind and key since its start: one index range."""
    # No upper bound: a request that read a later clock but took its turn first counts too.
    return (
        select(literal(n).label("n"), func.count().label("counted"))
        .select_from(ABUSE_EVENT)
        .where(
            _e.kind == bindparam(f"kind{n}"),
            _e.key == bindparam(f"key{n}"),
            _e.at >= bindparam(f"since{n}"),
        )
    )


def _counts(windows: int) -> Select[int, int] | CompoundSelect[int, int]:
    """The count of each of `windows` windows, numbered so that the rows' order is free."""
    if windows == 1:
        return _count_in(0)
    return union_all(*(_count_in(n) for n in range(windows)))


# Built once: putting a statement together costs more than SQLite takes to run it.
_COUNTS = tuple(_counts(windows) for windows in range(1, 7))
_COUNT = _count_in(0).where(_e.at < bindparam("until"))
_INSERT_EVENT = insert(ABUSE_EVENT)
_r = REQUEST.c
_ACTIVE_FOR_NUMBER = (
    _r.number == bindparam("number"),
    _r.queue != bindparam("queue"),
    state_in(_r.state, ACTIVE_STATES),
)
_ACTIVE_ELSEWHERE = select(func.count()).select_from(REQUEST).where(*_ACTIVE_FOR_NUMBER)
# Row numbers of `Admission.read` besides the windows' 0, 1, ...
_ELSEWHERE, _SPAN = -1, -2


@cache  # built once per number of windows (a handful): building costs more than running
def _reads(windows: int) -> CompoundSelect[int, int]:
    """The number's requests elsewhere, the span's count and each window's, numbered."""
    elsewhere = select(literal(_ELSEWHERE).label("n"), func.count().label("counted"))
    in_span = select(literal(_SPAN).label("n"), func.count().label("counted"))
    span = (
        _e.kind == bindparam("span_kind"),
        _e.key == bindparam("span_key"),
        _e.at >= bindparam("span_since"),
        _e.at < bindparam("span_until"),
    )
    return union_all(
        elsewhere.select_from(REQUEST).where(*_ACTIVE_FOR_NUMBER),
        in_span.select_from(ABUSE_EVENT).where(*span),
        *(_count_in(n) for n in range(windows)),
    )
