"""The line a newcomer joins: one count for what callers hear and what supervisors see."""

from __future__ import annotations

from callback.service.line import length_of
from callback.store.records import QueueCounts
from callback.types import QueueName
from webhooks.services import Services


def line_length(svc: Services, queue: QueueName, counts: QueueCounts | None) -> int:
    """Callbacks due plus callers on hold in `queue`: both wait for the same agents."""
    return length_of(counts, svc.calls.on_hold(queue))
