"""Small builders of domain values for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from callback.request import CallbackRequest, ContextEntry, Slot
from callback.types import E164, Channel, QueueName, RequestId, State

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """T0 plus `minutes`."""
    return T0 + timedelta(minutes=minutes)


def request(
    request_id: int = 1,
    *,
    start: float = 0,
    priority: int = 0,
    state: State = State.WAITING,
    slot: tuple[float, float] | None = None,
    attempts: int = 0,
    number: str = "+442079460001",
    **data: Any,
) -> CallbackRequest:
    """A request joined at T0 + `start` minutes."""
    return CallbackRequest(
        id=RequestId(request_id),
        queue=QueueName("support"),
        number=E164(number),
        channel=Channel.WEB,
        virtual_start=at(start),
        created_at=at(start),
        updated_at=at(start),
        state=state,
        priority=priority,
        slot=Slot(at(slot[0]), at(slot[1])) if slot else None,
        attempts=attempts,
        contexts=(ContextEntry(Channel.WEB, at(start), dict(data)),) if data else (),
    )
