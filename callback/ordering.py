"""Positions in line with their explanation (the order itself is SQL: `queries.LINE_ORDER`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callback.request import CallbackRequest


class MoveReason(StrEnum):
    """Why someone came ahead of a customer since their last announcement."""

    PRIORITY = "priority"
    SLOT_DUE = "slot_due"
    RETRY = "retry"
    EARLIER_ARRIVAL = "earlier_arrival"


@dataclass(frozen=True, slots=True)
class Position:
    """A request's place in line: how many are ahead, and why that grew if it did."""

    ahead: int
    previous_ahead: int | None = None
    reasons: tuple[MoveReason, ...] = ()

    @property
    def number(self) -> int:
        """1-based place in line."""
        return self.ahead + 1

    @property
    def moved_back(self) -> bool:
        """True when more are ahead than at the last announcement."""
        return self.previous_ahead is not None and self.ahead > self.previous_ahead


def classify_newcomer(
    mine: CallbackRequest, other: CallbackRequest, announced_at: datetime
) -> MoveReason:
    """Why `other`, which was not ahead of `mine` at `announced_at`, is ahead now."""
    if other.priority > mine.priority:
        return MoveReason.PRIORITY
    if other.slot is not None and other.slot.start > announced_at:
        return MoveReason.SLOT_DUE
    if other.attempts > 0:
        return MoveReason.RETRY
    return MoveReason.EARLIER_ARRIVAL


def explain(
    mine: CallbackRequest,
    ahead: int,
    previous_ahead: int | None,
    announced_at: datetime | None,
    newcomers: Iterable[CallbackRequest],
) -> Position:
    """The position of `mine`, with reasons whenever it is worse than last announced."""
    if previous_ahead is None or announced_at is None or ahead <= previous_ahead:
        return Position(ahead=ahead, previous_ahead=previous_ahead)
    kinds = {classify_newcomer(mine, other, announced_at) for other in newcomers}
    ordered = tuple(reason for reason in MoveReason if reason in kinds)
    return Position(ahead=ahead, previous_ahead=previous_ahead, reasons=ordered)
