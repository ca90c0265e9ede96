"""A supervisor's changes to a waiting request: its priority and its scheduled time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, update

from callback.request import CallbackRequest
from callback.store import queries
from callback.store.commands import rescheduled
from callback.store.convert import Row, to_request
from callback.store.engine import write_transaction
from callback.store.records import UnknownRequest
from callback.store.tables import REQUEST
from callback.types import PENDING_STATES, RequestId, State

_r = REQUEST.c
MAX_PRIORITY = 100
"""The highest priority a queue may have (callback.config.queue)."""
DEFAULT_SLOT = timedelta(minutes=30)
"""The window a rescheduled request gets when it had none."""


class NotPending(RuntimeError):
    """The request has left the line (dialled, finished): it can no longer be steered."""

    def __init__(self, request_id: RequestId, state: State) -> None:
        super().__init__(f"callback request {request_id} is {state.value}, no longer waiting")
        self.state = state


Changes = Callable[[Connection, Row], dict[str, Any]]
"""The columns a steer sets on a pending request's row, written in its transaction."""


def _steer(
    engine: Engine, request_id: RequestId, values: Changes, now: datetime
) -> CallbackRequest:
    """Apply `values(connection, row)` to a pending request in one locked transaction."""
    with write_transaction(engine) as connection:
        row = queries.request_row(connection, request_id, lock=True)
        if row is None:
            raise UnknownRequest(request_id)
        state = State(row["state"])
        if state not in PENDING_STATES:
            raise NotPending(request_id, state)
        changes = values(connection, row) | {"updated_at": now}
        query = update(REQUEST).where(_r.id == request_id, _r.state == state.value)
        moved = connection.execute(query.values(changes).returning(*REQUEST.c)).mappings().one()
        return to_request(moved)


def raise_priority(engine: Engine, request_id: RequestId, now: datetime) -> CallbackRequest:
    """One step up in its queue's line order (at most the highest priority)."""
    return _steer(
        engine,
        request_id,
        lambda _, row: {"priority": min(MAX_PRIORITY, row["priority"] + 1)},
        now,
    )


def reschedule(
    engine: Engine, request_id: RequestId, start: datetime, now: datetime
) -> CallbackRequest:
    """Make the request a scheduled one, due at `start` (its window keeps its length); the
    wait promised before is withdrawn in the same transaction (`commands.rescheduled`)."""

    def values(connection: Connection, row: Row) -> dict[str, Any]:
        had = row["slot_start"], row["slot_end"]
        length = had[1] - had[0] if had[0] is not None and had[1] is not None else DEFAULT_SLOT
        return rescheduled(connection, request_id, now) | {
            "state": State.SCHEDULED.value,
            "due_at": start,
            "slot_start": start,
            "slot_end": start + length,
            "lease_until": None,
        }

    return _steer(engine, request_id, values, now)
