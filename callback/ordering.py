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
    on_hold: int = 0
    """How many of those ahead are callers on hold (the only ones who may give up)."""

    @property
    def number(self) -> int:
        """1-based place in line."""
        return self.ahead + 1

    @property
    def moved_back(self) -> bool:
        """True when more are ahead than at the last announcement."""
        return self.previous_ahead is not None and self.ahead > self.previous_ahead


def is_said(position: Position) -> bool:
    """Whether `position` is announced: not when it is worse than announced and nobody says
    why."""
    return not (position.moved_back and not position.reasons)


def classify_newcomer(priority: int, other: CallbackRequest, announced_at: datetime) -> MoveReason:
    """Why `other`, not ahead of someone of `priority` at `announced_at`, is ahead now."""
    if other.priority > priority:
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
    *,
    on_hold: int = 0,
    held: Iterable[MoveReason] = (),
) -> Position:
    """The position of `mine`, with reasons whenever it is worse than last announced
    (`held`: why callers on hold came ahead of it)."""
    if previous_ahead is None or announced_at is None or ahead <= previous_ahead:
        return Position(ahead=ahead, previous_ahead=previous_ahead, on_hold=on_hold)
    kinds = {classify_newcomer(mine.priority, other, announced_at) for other in newcomers}
    return Position(ahead, previous_ahead, ordered(kinds.union(held)), on_hold)


def ordered(kinds: Iterable[MoveReason]) -> tuple[MoveReason, ...]:
    """The reasons in the order they are read out."""
    found = set(kinds)
    return tuple(reason for reason in MoveReason if reason in found)
