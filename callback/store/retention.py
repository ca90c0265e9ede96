"""Data retention: personal data of finished requests is erased, old history deleted.

Work is done in small batches, each its own short write transaction, so a purge never
holds the write lock long enough to delay a customer's request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from callback.store.tables import ATTEMPT, CONFIG_CHANGE, REQUEST

BATCH = 500
_r, _a = REQUEST.c, ATTEMPT.c


def unpurged_ids(connection: Connection, before: datetime) -> Sequence[int]:
    """Up to one batch of finished requests, ended before `before`, still holding personal data."""
    query = (
        select(_r.id)
        .where(_r.finished_at.is_not(None), _r.purged_at.is_(None), _r.finished_at < before)
        .limit(BATCH)
    )
    return connection.execute(query).scalars().all()


def erase_personal_data(connection: Connection, ids: Sequence[int], now: datetime) -> None:
    """Blank the number, name and contexts of `ids` and of their dial attempts."""
    connection.execute(
        update(REQUEST)
        .where(_r.id.in_(ids))
        .values(number="", name=None, contexts=[], purged_at=now)
    )
    connection.execute(update(ATTEMPT).where(_a.request_id.in_(ids)).values(number=""))


def expired_ids(connection: Connection, before: datetime) -> Sequence[int]:
    """Up to one batch of requests that finished before `before`."""
    query = select(_r.id).where(_r.finished_at < before).limit(BATCH)
    return connection.execute(query).scalars().all()


def delete_requests(connection: Connection, ids: Sequence[int]) -> None:
    """Delete `ids` with their dial attempts."""
    connection.execute(delete(ATTEMPT).where(_a.request_id.in_(ids)))
    connection.execute(delete(REQUEST).where(_r.id.in_(ids)))


def delete_config_changes(connection: Connection, before: datetime) -> int:
    """Delete the record of configuration changes applied before `before`."""
    result = connection.execute(delete(CONFIG_CHANGE).where(CONFIG_CHANGE.c.at < before))
    return result.rowcount
