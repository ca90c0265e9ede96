"""The latest failed request of a number: what an SMS "1" after a failed series re-books."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from callback.request import CallbackRequest
from callback.store.convert import to_request
from callback.store.engine import read_transaction
from callback.store.tables import REQUEST, state_in
from callback.types import E164, State

_r = REQUEST.c


def latest_failed(engine: Engine, number: E164, since: datetime) -> CallbackRequest | None:
    """The number's most recent request that failed after `since`, or None."""
    query = (
        select(REQUEST)
        .where(state_in(_r.state, {State.FAILED}), _r.number == number, _r.finished_at >= since)
        .order_by(_r.finished_at.desc())
        .limit(1)
    )
    with read_transaction(engine) as connection:
        row = connection.execute(query).mappings().one_or_none()
    return to_request(row) if row is not None else None
