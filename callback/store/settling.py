"""Ending a dial attempt and moving its request where the retry policy says, in one transaction.

The policy is handed the request as locked here and the time of its first attempt read in
the same transaction, so what it decides cannot rest on an anchor a caller worked out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select

from callback.request import CallbackRequest, allowed_targets
from callback.store import commands, queries
from callback.store.convert import to_request
from callback.store.engine import write_transaction
from callback.store.tables import ATTEMPT
from callback.types import RequestId, State

_a = ATTEMPT.c
_FIRST_CLAIM = select(func.min(_a.claimed_at)).where(_a.request_id == bindparam("request_id"))

Target = tuple[State, datetime | None]
"""Where a request goes, and when it is due there if back in line."""
Decide = Callable[[CallbackRequest, datetime], Target]
"""The target of a request given the request and the time of its first attempt."""


@dataclass(frozen=True, slots=True)
class Ending:
    """One dial attempt to end: its request, its row, the fence it was claimed under, how."""

    request_id: RequestId
    attempt_id: int
    fence: int
    outcome: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Ended:
    """An attempt this call ended, and its request after: moved, or left where it was."""

    request: CallbackRequest
    moved: bool


class SettleStore:
    """Ends dial attempts under their fence and moves their requests."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def end_attempt(self, ending: Ending, decide: Decide) -> Ended | None:
        """End the attempt and move its request to where `decide` says.

        None when the attempt was already ended or its fence is stale (a duplicate or late
        report changes nothing). A request that moved meanwhile where `decide` cannot take
        it (cancelled by SMS) keeps its state: only the attempt is closed.
        """
        with write_transaction(self._engine) as connection:
            # The request first, as a claim and a return do: one lock order on PostgreSQL.
            row = queries.request_row(connection, ending.request_id, lock=True)
            if row is None:
                return None
            ended = commands.finish_attempt(
                connection, ending.attempt_id, ending.fence, ending.outcome, ending.now, None
            )
            if not ended:
                return None
            first = connection.execute(_FIRST_CLAIM, {"request_id": ending.request_id})
            target, due_at = decide(to_request(row), first.scalar_one())
            if target not in allowed_targets(State(row["state"])):
                return Ended(to_request(row), moved=False)
            moved = commands.move(connection, row, target, ending.now, due_at)
            return Ended(to_request(moved), moved=True)
