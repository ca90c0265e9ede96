"""One booking, one transaction: its admission, the request, its promise and the call's hold.

The booking runs inside the abuse admission's transaction, so what the limits counted and
what was stored commit (or roll back) together, and on PostgreSQL bookings take turns on
the admission's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from callback.merge import Incoming
from callback.ordering import Position
from callback.request import CallbackRequest, Promise
from callback.store import calls, commands, returning
from callback.store.abuse import AbuseStore, Admission
from callback.store.announcements import Told, told_request
from callback.store.engine import is_unique_violation
from callback.store.queue import enqueue_row_in, position_in
from callback.store.records import Enqueued, UnknownRequest
from callback.store.tokens import add_in
from callback.types import E164, QueueName, RequestId

T = TypeVar("T")
_RETRIES = 3


class Ledger:
    """The reads and writes of one booking, on its admission's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        # The rows this booking wrote, as the writes returned them: read again for nothing.
        self._written: dict[RequestId, RowMapping] = {}

    def enqueue(
        self, queue: QueueName, number: E164, incoming: Incoming, now: datetime
    ) -> Enqueued:
        """Add a request, or merge it into the number's unfinished one in `queue`."""
        enqueued, row = enqueue_row_in(self._connection, queue, number, incoming, now)
        self._written[enqueued.request.id] = row
        return enqueued

    def position(self, request_id: RequestId, now: datetime) -> Position | None:
        """The request's place in line (None: not in line)."""
        # The row as this booking last wrote it, used once: a later write would make it stale.
        return position_in(self._connection, request_id, now, self._written.pop(request_id, None))

    def announce(self, request: CallbackRequest, ahead: int, promise: Promise, source: str) -> None:
        """Remember what the customer is told through `source` (a channel): the number ahead
        and the promise, on the request and beside the wait that will really happen."""
        now = promise.announced_at
        if not commands.announce(self._connection, request.id, ahead, promise, now):
            raise UnknownRequest(request.id)
        waits = (promise.wait, promise.low, promise.high)
        told_request(
            self._connection,
            request.id,
            Told(request.queue, source, now, ahead, *waits, promise.by),
        )

    def returning(
        self, request_id: RequestId, queue: QueueName, now: datetime
    ) -> tuple[datetime, ...]:
        """When the retries due back ahead of the request are, soonest first."""
        return returning.returning(self._connection, queue, now, request_id)

    def leave_hold(self, call_sid: str, now: datetime) -> None:
        """The caller of `call_sid` is no longer on hold (they took a callback)."""
        calls.set_hold_in(self._connection, call_sid, None, now)

    def is_suppressed(self, number: E164) -> bool:
        """True when `number` asked for no more SMS."""
        return calls.is_suppressed_in(self._connection, number)

    def add_token(self, token_sha256: str, request_id: RequestId, now: datetime) -> None:
        """Remember that the status token hashing to `token_sha256` shows `request_id`."""
        add_in(self._connection, token_sha256, request_id, now)


class BookingStore:
    """Runs a booking in the admission's transaction, again if a unique index decided a race."""

    def __init__(self, abuse: AbuseStore) -> None:
        self._abuse = abuse

    def run(self, booking: Callable[[Admission, Ledger], T]) -> T:
        """`booking` on one transaction, committed when it returns, rolled back if it raises."""
        for _ in range(_RETRIES - 1):
            try:
                return self._once(booking)
            except IntegrityError as error:
                # Two enqueues of one number: the loser runs again and sees the winner's row.
                if not is_unique_violation(error):
                    raise
        return self._once(booking)

    def _once(self, booking: Callable[[Admission, Ledger], T]) -> T:
        with self._abuse.admission() as admission:
            return booking(admission, Ledger(admission.connection))
