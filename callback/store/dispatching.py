"""The dispatcher's writes: claim an eligible request together with a free agent, and undo.

A claim, the agent held busy for it, and the requests passed over on the way (postponed to
when they may be dialled, or expired) are one short transaction: either the agent is held
for exactly this dial attempt, or nothing happened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from callback.dispatch import Eligibility, Eligible, Expired, NotBefore
from callback.request import CallbackRequest
from callback.store import commands, presence, queries
from callback.store.convert import Row, to_request
from callback.store.engine import is_unique_violation, read_transaction, write_transaction
from callback.store.records import Claim
from callback.store.tables import ATTEMPT, REQUEST
from callback.types import AgentId, QueueName, RequestId, State

Check = Callable[[CallbackRequest, datetime], Eligibility]
"""Whether a request (with its stored due time) may be dialled now."""

SCAN_LIMIT = 20
"""Requests looked at in one claim; those passed over are postponed, so the next goes on."""
_RETRIES = 3

_r = REQUEST.c
_a = ATTEMPT.c
_POSTPONE = update(REQUEST).where(
    _r.id == bindparam("row_id"),
    _r.state == bindparam("row_state"),
    _r.fence == bindparam("row_fence"),
)
_UNCOUNT = update(REQUEST).where(_r.id == bindparam("row_id")).values(attempts=_r.attempts - 1)
_RECENT = select(_a.claimed_at).where(
    _a.queue == bindparam("queue"), _a.claimed_at > bindparam("since")
)


class _AgentTaken(Exception):
    """The agent was moved by someone else: roll the claim back."""


def _postpone(connection: Connection, row: Row, at: datetime, now: datetime) -> None:
    parameters = {
        "row_id": row["id"],
        "row_state": row["state"],
        "row_fence": row["fence"],
        "due_at": at,
        "updated_at": now,
    }
    connection.execute(_POSTPONE, parameters)


def _pass_over(connection: Connection, row: Row, verdict: Eligibility, now: datetime) -> None:
    match verdict:
        case NotBefore(at=at):
            _postpone(connection, row, at, now)
        case Expired():
            commands.move(connection, row, State.EXPIRED, now, None)
        case Eligible():
            raise ValueError("an eligible request is claimed, not passed over")


def claim_eligible(
    connection: Connection,
    queue: QueueName,
    agent: AgentId,
    now: datetime,
    lease: timedelta,
    check: Check,
) -> Claim | None:
    """Claim the first due request that `check` allows, holding `agent` for it."""
    for _ in range(SCAN_LIMIT):
        row = queries.first_due(connection, queue, now)
        if row is None:
            return None
        verdict = check(to_request(row), row["due_at"])
        if not isinstance(verdict, Eligible):
            _pass_over(connection, row, verdict, now)
            continue
        claimed = commands.claim(connection, row, now, lease, agent)
        if claimed is None:
            continue
        if not presence.take(connection, agent, claimed.attempt_id, now):
            raise _AgentTaken(agent)
        return claimed
    return None


class DispatchStore:
    """Claims of eligible requests with an agent, dial starts for the rate cap, undialled dials."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(
        self, queue: QueueName, agent: AgentId, now: datetime, lease: timedelta, check: Check
    ) -> Claim | None:
        """Claim the first eligible due request of `queue` for `agent`, or None.

        None also when the agent stopped being available meanwhile: then nothing changed.
        """
        for attempt in range(_RETRIES):
            try:
                with write_transaction(self._engine) as connection:
                    return claim_eligible(connection, queue, agent, now, lease, check)
            except _AgentTaken:
                return None
            except IntegrityError as error:
                # Another instance dialled the same number first: look again, past it.
                if not is_unique_violation(error) or attempt == _RETRIES - 1:
                    raise
        return None

    def recent_starts(self, queue: QueueName, since: datetime) -> tuple[datetime, ...]:
        """When the queue's dial attempts after `since` were claimed."""
        with read_transaction(self._engine) as connection:
            found = connection.execute(_RECENT, {"queue": queue, "since": since}).scalars()
            return tuple(found)

    def return_undialled(
        self, claim: Claim, outcome: str, now: datetime, due_at: datetime | None = None
    ) -> CallbackRequest | None:
        """End an attempt whose call provably never went out; the request goes back in line.

        The attempt does not count against the customer's attempts: they were never rung.
        It is due again at `due_at` (default: at once). None when the attempt was already
        ended or its fence is stale.
        """
        with write_transaction(self._engine) as connection:
            ended = commands.finish_attempt(
                connection, claim.attempt_id, claim.fence, outcome, now, None
            )
            row = queries.request_row(connection, RequestId(claim.request.id), lock=True)
            if not ended or row is None or State(row["state"]) is not State.DIALING:
                return None
            connection.execute(_UNCOUNT, {"row_id": row["id"]})
            moved = queries.request_row(connection, RequestId(claim.request.id))
            assert moved is not None
            due = now if due_at is None else due_at
            return to_request(commands.move(connection, moved, State.WAITING, now, due))
