"""The durable callback queue: every command is one short transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from callback.forecast import Measured
from callback.merge import Incoming, merge
from callback.ordering import MoveReason, Position, explain
from callback.request import CallbackRequest, ContextEntry, Promise, check_transition
from callback.store import calls, commands, queries, retention, returning, stats
from callback.store.convert import Row, new_request, to_request
from callback.store.engine import (
    checkpoint,
    is_unique_violation,
    read_transaction,
    write_transaction,
)
from callback.store.places import ahead_of, held_came_ahead, place_of
from callback.store.records import (
    Claim,
    ConfigChange,
    Enqueued,
    Purged,
    QueueCounts,
    StateConflict,
    UnknownRequest,
)
from callback.types import E164, PENDING_STATES, QueueName, RequestId, State

T = TypeVar("T")
_RETRIES = 3


class QueueStore:
    """Callback requests in SQLite or PostgreSQL: enqueue, position, transitions, dial ends."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The engine the store runs on."""
        return self._engine

    def enqueue(
        self, queue: QueueName, number: E164, incoming: Incoming, now: datetime
    ) -> Enqueued:
        """Add a request, or merge it into the unfinished one for the same number and queue."""
        return self._write(lambda connection: enqueue_in(connection, queue, number, incoming, now))

    def get(self, request_id: RequestId) -> CallbackRequest | None:
        """The request with this id, or None."""
        with read_transaction(self._engine) as connection:
            row = queries.request_row(connection, request_id)
        return to_request(row) if row is not None else None

    def active_for(self, queue: QueueName, number: E164) -> CallbackRequest | None:
        """The unfinished request for `number` in `queue`, or None."""
        with read_transaction(self._engine) as connection:
            row = queries.active_row(connection, queue, number)
        return to_request(row) if row is not None else None

    def position(self, request_id: RequestId, now: datetime) -> Position | None:
        """The request's place in line at `now`, explained if it is worse than announced.

        None when the request is not in line: not yet due (a future slot), being dialled,
        or finished.
        """
        with read_transaction(self._engine) as connection:
            return position_in(connection, request_id, now)

    def record_announcement(
        self, request_id: RequestId, ahead: int, promise: Promise | None, now: datetime
    ) -> None:
        """Remember what the customer was told: the number ahead and, if any, a promise."""
        with write_transaction(self._engine) as connection:
            if not commands.announce(connection, request_id, ahead, promise, now):
                raise UnknownRequest(request_id)

    def transition(
        self,
        request_id: RequestId,
        target: State,
        now: datetime,
        *,
        expected: State | None = None,
        due_at: datetime | None = None,
    ) -> CallbackRequest:
        """Move a request to `target` if the lifecycle allows it (and it is in `expected`).

        Back in line (a retry), `due_at` says when it may be dialled again (default: now).
        """
        if target is State.DIALING:
            raise ValueError(
                "only the dispatcher's claim moves a request to dialing: the dial needs a fence"
            )
        if due_at is not None and target not in PENDING_STATES:
            raise ValueError(
                f"due_at only applies when a request returns to the line, not to {target}"
            )
        with write_transaction(self._engine) as connection:
            row = _existing(connection, request_id, lock=True)
            current = State(row["state"])
            if expected is not None and current is not expected:
                raise StateConflict(request_id, expected, current)
            check_transition(current, target)
            return to_request(commands.move(connection, row, target, now, due_at))

    def finish_attempt(
        self, attempt_id: int, fence: int, outcome: str, now: datetime, call_sid: str | None = None
    ) -> bool:
        """End a dial attempt; False unless `fence` is the current one and it was still open."""
        with write_transaction(self._engine) as connection:
            return commands.finish_attempt(connection, attempt_id, fence, outcome, now, call_sid)

    def expired_claims(self, now: datetime, limit: int = 100) -> list[Claim]:
        """Open dials whose lease ran out: unanswered (their dialler is presumed gone), or
        connected calls whose end was never heard."""
        with read_transaction(self._engine) as connection:
            return queries.expired_claims(connection, now, limit)

    def returning(
        self, queue: QueueName, now: datetime, request: RequestId | None = None
    ) -> tuple[datetime, ...]:
        """When the retries waiting out a backoff are due back (ahead of `request`, if named)."""
        with read_transaction(self._engine) as connection:
            return returning.returning(connection, queue, now, request)

    def counts(self, now: datetime) -> dict[QueueName, QueueCounts]:
        """Active requests per queue and state; queues without any are left out."""
        with read_transaction(self._engine) as connection:
            return queries.queue_counts(connection, now)

    def record_config_change(
        self,
        at: datetime,
        path: str,
        old_hash: str | None,
        new_hash: str,
        sections: Sequence[str],
        text: str | None = None,
    ) -> None:
        """Log an applied change of the supervisor configuration (with the applied text)."""
        change = {"at": at, "path": path, "old_hash": old_hash, "new_hash": new_hash, "text": text}
        with write_transaction(self._engine) as connection:
            commands.record_config_change(connection, change | {"sections": list(sections)})

    def config_changes(self, limit: int = 20) -> list[ConfigChange]:
        """The latest configuration changes, newest first."""
        with read_transaction(self._engine) as connection:
            return queries.config_changes(connection, limit)

    def measured(self, queue: QueueName, since: datetime, now: datetime) -> Measured:
        """Handle time per dial attempt and patience seen in `queue` between `since` and `now`."""
        with read_transaction(self._engine) as connection:
            return stats.measured(connection, queue, since, now)

    def purge(self, now: datetime, personal_data: timedelta, history: timedelta) -> Purged:
        """Erase personal data older than `personal_data`, delete history older than `history`."""
        erased = deleted = 0
        while ids := self._batch(retention.unpurged_ids, now - personal_data):
            self._write(partial(retention.erase_personal_data, ids=ids, now=now))
            erased += len(ids)
        while ids := self._batch(retention.expired_ids, now - history):
            self._write(partial(retention.delete_requests, ids=ids))
            deleted += len(ids)
        rows = 0
        while batch := self._write(partial(retention.delete_old_history, before=now - history)):
            rows += batch
        return Purged(erased=erased, deleted=deleted, history_rows=rows)

    def _batch(
        self, find: Callable[[Connection, datetime], Sequence[int]], before: datetime
    ) -> Sequence[int]:
        with read_transaction(self._engine) as connection:
            return find(connection, before)

    def booked(self, queue: QueueName, start: datetime) -> int:
        """Unfinished requests of `queue` booked for the slot that starts at `start`."""
        with read_transaction(self._engine) as connection:
            return calls.booked(connection, queue, start)

    def add_context(self, request_id: RequestId, entry: ContextEntry, now: datetime) -> None:
        """Append what a channel learnt later (a rating, a transcription) to a request."""
        with write_transaction(self._engine) as connection:
            if not calls.append_context(connection, request_id, entry, now):
                raise UnknownRequest(request_id)

    def ping(self) -> bool:
        """True when the database answers a trivial query (the health check)."""
        try:
            with read_transaction(self._engine) as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        """Release pooled connections (the process is stopping)."""
        self._engine.dispose()

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database; call it from a periodic tick."""
        checkpoint(self._engine)

    def _write(self, action: Callable[[Connection], T]) -> T:
        # A unique index decides races (two enqueues of one number, two dials of one number):
        # the loser's transaction is rolled back and run again, and then sees the winner's row.
        for _ in range(_RETRIES - 1):
            try:
                with write_transaction(self._engine) as connection:
                    return action(connection)
            except IntegrityError as error:
                if not is_unique_violation(error):
                    raise
        with write_transaction(self._engine) as connection:
            return action(connection)


def _existing(connection: Connection, request_id: RequestId, *, lock: bool = False) -> Row:
    row = queries.request_row(connection, request_id, lock=lock)
    if row is None:
        raise UnknownRequest(request_id)
    return row


def enqueue_in(
    connection: Connection, queue: QueueName, number: E164, incoming: Incoming, now: datetime
) -> Enqueued:
    """`QueueStore.enqueue` inside the caller's write transaction."""
    return enqueue_row_in(connection, queue, number, incoming, now)[0]


def enqueue_row_in(
    connection: Connection, queue: QueueName, number: E164, incoming: Incoming, now: datetime
) -> tuple[Enqueued, Row]:
    """`enqueue_in`, and the stored row as the write returned it (no second read for it)."""
    row = queries.active_row(connection, queue, number, lock=True)
    if row is None:
        inserted = commands.insert_request(
            connection, new_request(queue, number, incoming, now), now
        )
        return Enqueued(to_request(inserted), merged=None), inserted
    merged = merge(to_request(row), incoming, now)
    saved = commands.save_merge(connection, row, merged, now)
    stored = to_request(saved)
    return Enqueued(stored, merged=dataclasses.replace(merged, request=stored)), saved


def position_in(
    connection: Connection, request_id: RequestId, now: datetime, row: Row | None = None
) -> Position | None:
    """`QueueStore.position` inside the caller's transaction (`row`: the request's row as
    this transaction last wrote it, when the caller has it)."""
    row = row if row is not None else _existing(connection, request_id)
    if State(row["state"]) not in PENDING_STATES or row["due_at"] > now:
        return None
    return _position(connection, row, now)


def _position(connection: Connection, row: Row, now: datetime) -> Position:
    # The one line: callers on hold ahead count as much as callbacks ahead.
    place = place_of(row)
    ahead = ahead_of(connection, place, now)
    previous: int | None = row["announced_ahead"]
    since: datetime | None = row["announced_at"]
    came_ahead: Sequence[Row] = ()
    held: list[MoveReason] = []
    if previous is not None and since is not None and ahead.total > previous:
        came_ahead = queries.newcomers(connection, row, now, since)
        held = held_came_ahead(connection, place, now, since)
    others = [to_request(other) for other in came_ahead]
    mine = to_request(row)
    return explain(mine, ahead.total, previous, since, others, on_hold=ahead.on_hold, held=held)
