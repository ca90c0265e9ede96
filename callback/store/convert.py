"""Rows <-> domain values: the only place that knows how a request is laid out in columns."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping

from callback.merge import Incoming
from callback.request import CallbackRequest, ContextEntry, Promise, Slot
from callback.store.utc import require_aware
from callback.types import E164, Channel, QueueName, RequestId, State

Row = RowMapping
"""A stored row, by column name."""

_PROMISE_COLUMNS = (
    "promise_announced_at",
    "promise_wait_s",
    "promise_low_s",
    "promise_high_s",
    "promise_by",
)


def new_request(
    queue: QueueName, number: E164, incoming: Incoming, now: datetime
) -> CallbackRequest:
    """The request an unmerged `incoming` becomes (its id is assigned on insert)."""
    request = CallbackRequest(
        id=RequestId(0),
        queue=queue,
        number=number,
        channel=incoming.context.channel,
        virtual_start=incoming.virtual_start,
        created_at=now,
        updated_at=now,
        state=State.SCHEDULED if incoming.slot is not None else State.WAITING,
        name=incoming.name,
        priority=incoming.priority,
        contexts=(incoming.context,),
        slot=incoming.slot,
    )
    if incoming.language:
        return dataclasses.replace(request, language=incoming.language)
    return request


def request_columns(request: CallbackRequest) -> dict[str, Any]:
    """The columns that mirror the domain request (all but the id and the store's bookkeeping)."""
    slot = request.slot
    return {
        "queue": request.queue,
        "number": request.number,
        "channel": request.channel.value,
        "state": request.state.value,
        "name": request.name,
        "language": request.language,
        "priority": request.priority,
        "virtual_start": request.virtual_start,
        "slot_start": slot.start if slot is not None else None,
        "slot_end": slot.end if slot is not None else None,
        "attempts": request.attempts,
        "contexts": [context_to_json(entry) for entry in request.contexts],
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        **promise_columns(request.promise),
    }


def promise_columns(promise: Promise | None) -> dict[str, Any]:
    """The promise columns; all None when nothing was promised."""
    if promise is None:
        return dict.fromkeys(_PROMISE_COLUMNS)
    return {
        "promise_announced_at": promise.announced_at,
        "promise_wait_s": promise.wait.total_seconds(),
        "promise_low_s": promise.low.total_seconds(),
        "promise_high_s": promise.high.total_seconds(),
        "promise_by": promise.by,
    }


def to_request(row: Row) -> CallbackRequest:
    """The domain request stored in `row`."""
    return CallbackRequest(
        id=RequestId(row["id"]),
        queue=QueueName(row["queue"]),
        number=E164(row["number"]),
        channel=Channel(row["channel"]),
        virtual_start=row["virtual_start"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        state=State(row["state"]),
        name=row["name"],
        language=row["language"],
        priority=row["priority"],
        contexts=tuple(context_from_json(item) for item in row["contexts"]),
        slot=_slot(row),
        attempts=row["attempts"],
        promise=_promise(row),
    )


def _slot(row: Row) -> Slot | None:
    if row["slot_start"] is None:
        return None
    return Slot(start=row["slot_start"], end=row["slot_end"])


def _promise(row: Row) -> Promise | None:
    if row["promise_announced_at"] is None:
        return None
    return Promise(
        announced_at=row["promise_announced_at"],
        wait=timedelta(seconds=row["promise_wait_s"]),
        low=timedelta(seconds=row["promise_low_s"]),
        high=timedelta(seconds=row["promise_high_s"]),
        by=row["promise_by"],
    )


def context_to_json(entry: ContextEntry) -> dict[str, Any]:
    """A context entry as JSON (`at` as an ISO 8601 UTC timestamp)."""
    return {
        "channel": entry.channel.value,
        "at": require_aware(entry.at).isoformat(),
        "data": entry.data,
    }


def context_from_json(item: Mapping[str, Any]) -> ContextEntry:
    """The context entry stored as `item`."""
    return ContextEntry(
        channel=Channel(item["channel"]),
        at=require_aware(datetime.fromisoformat(item["at"])),
        data=dict(item["data"]),
    )
