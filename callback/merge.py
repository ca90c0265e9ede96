"""One request per number per queue: a second request merges into the pending one."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from callback.request import CallbackRequest, ContextEntry, Slot


@dataclass(frozen=True, slots=True)
class Incoming:
    """A new request's details before it is known whether it merges."""

    context: ContextEntry
    virtual_start: datetime
    name: str | None = None
    language: str | None = None
    priority: int = 0
    slot: Slot | None = None


@dataclass(frozen=True, slots=True)
class Merged:
    """The outcome of merging: the request to keep, and what changed, for the customer."""

    request: CallbackRequest
    kept_earlier_place: bool
    slot_changed: bool


def merge(existing: CallbackRequest, incoming: Incoming, now: datetime) -> Merged:
    """Fold `incoming` into `existing`: earliest place, both contexts, latest slot wish."""
    earliest = min(existing.virtual_start, incoming.virtual_start)
    slot_changed = incoming.slot is not None and incoming.slot != existing.slot
    merged = dataclasses.replace(
        existing,
        virtual_start=earliest,
        contexts=(*existing.contexts, incoming.context),
        name=existing.name or incoming.name,
        language=incoming.language or existing.language,
        priority=max(existing.priority, incoming.priority),
        slot=incoming.slot if slot_changed else existing.slot,
        updated_at=now,
    )
    return Merged(
        request=merged,
        kept_earlier_place=existing.virtual_start <= incoming.virtual_start,
        slot_changed=slot_changed,
    )
