"""The dispatcher's writes: claim an eligible request together with a free agent, and undo.

A claim, the agent held busy for it, and the requests passed over on the way (postponed to
when they may be dialled, or expired) are one short transaction: either the agent is held
for exactly this dial attempt, or nothing happened. An offer reads the queue's budget in
that same transaction, serialised per queue, so concurrent passes (a tick and an agent's
kick, or two instances) never spend one free place, one reserved agent or one rate slot twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, and_, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from callback.dispatch import WINDOW, Budget, Eligibility, Eligible, Expired, NotBefore, Snapshot
from callback.request import CallbackRequest
from callback.store import commands, presence, queries
from callback.store.calls import ON_HOLD_IN_QUEUE
from callback.store.convert import Row, to_request
from callback.store.engine import is_unique_violation, read_transaction, write_transaction
from callback.store.records import Claim
from callback.store.tables import (
    ATTEMPT,
    ON_CALL_STATES,
    PRESENCE,
    REQUEST,
    state_in,
)
from callback.types import AgentId, QueueName, RequestId, State

Check = Callable[[CallbackRequest, datetime], Eligibility]
"""Whether a request (with its stored due time) may be dialled now."""
Rule = Callable[[Snapshot], Budget]
"""A queue's dial budget rules, applied to the snapshot read in the claim's transaction."""

SCAN_LIMIT = 20
"""Requests looked at in one claim; those passed over are postponed, so the next goes on."""
_RETRIES = 3
LOCK_WAIT_MS = 5000
"""How long a claim waits on PostgreSQL for another claimer of the same queue."""

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
_HELD = (
    select(_a.id)
    .select_from(ATTEMPT.join(REQUEST, _r.id == _a.request_id))
    .where(
        _a.id == bindparam("attempt_id"),
        _a.fence == bindparam("fence"),
        _a.ended_at.is_(None),
        _a.call_sid.is_(None),
        _a.lease_until > bindparam("until"),
        _r.fence == bindparam("fence"),
        _r.state == State.DIALING.value,
    )
)
_p = PRESENCE.c
_AVAILABLE = presence.AgentStatus.AVAILABLE.value
_COUNTS = select(
    select(func.count())
    .where(_r.queue == bindparam("queue"), state_in(_r.state, ON_CALL_STATES))
    .scalar_subquery()
    .label("in_progress"),
    select(func.count()).where(ON_HOLD_IN_QUEUE).scalar_subquery().label("on_hold"),
    select(func.count())
    .where(_p.status == _AVAILABLE, _p.agent_id.in_(bindparam("team", expanding=True)))
    .scalar_subquery()
    .label("free"),
    select(func.count())
    .where(_p.status == _AVAILABLE, _p.agent_id == bindparam("agent"))
    .scalar_subquery()
    .label("agent_free"),
).subquery("counts")
# The counts and the last minute's dial starts in one round trip: one row of counts per start,
# or one row with no start (the outer join).
_SNAPSHOT = select(_COUNTS, _a.claimed_at).select_from(
    _COUNTS.outerjoin(
        ATTEMPT, and_(_a.queue == bindparam("queue"), _a.claimed_at > bindparam("since"))
    )
)


class _AgentTaken(Exception):
    """The agent was moved by someone else: roll the claim back."""


class _Refused(Exception):
    """The offered agent was taken meanwhile: roll back, reporting the budget read."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(budget.limited_by.value)
        self.budget = budget


@dataclass(frozen=True, slots=True)
class Offer:
    """One free agent offered to one queue's line, with the rules the claim must keep."""

    queue: QueueName
    agent: AgentId
    team: tuple[AgentId, ...]
    """The roster's agents serving the queue: the available ones make its free agents."""
    lease: timedelta
    check: Check
    budget: Rule


@dataclass(frozen=True, slots=True)
class Offered:
    """What an offer came to: the queue's budget just before it, and the claim if one was made."""

    budget: Budget
    claim: Claim | None


def queue_lock_key(queue: QueueName) -> int:
    """The PostgreSQL advisory lock key that claimers of `queue` serialise on."""
    digest = hashlib.blake2b(f"holdless.dispatch:{queue}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _serialise(connection: Connection, queue: QueueName) -> None:
    # SQLite writers are one at a time already; PostgreSQL's claimers of one queue queue here
    # for the rest of the transaction, and the budget read next sees every earlier claim.
    if connection.dialect.name != "postgresql":
        return
    key = queue_lock_key(queue)
    if connection.execute(select(func.pg_try_advisory_xact_lock(key))).scalar_one():
        return
    # Another claimer of this queue is mid-transaction: wait for it, but not for ever behind
    # one that stalled (the error ends this pass; the next tick tries again).
    connection.execute(text(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}"))
    connection.execute(select(func.pg_advisory_xact_lock(key)))


def _snapshot(connection: Connection, offer: Offer, now: datetime) -> tuple[Snapshot, bool]:
    parameters = {
        "queue": offer.queue,
        "team": list(offer.team),
        "agent": offer.agent,
        "since": now - WINDOW,
    }
    rows = connection.execute(_SNAPSHOT, parameters).mappings().all()
    counts = rows[0]
    snapshot = Snapshot(
        now=now,
        free_agents=counts["free"],
        live_waiting=counts["on_hold"],
        in_progress=counts["in_progress"],
        recent_starts=tuple(row["claimed_at"] for row in rows if row["claimed_at"] is not None),
    )
    return snapshot, counts["agent_free"] > 0


def offer_agent(connection: Connection, offer: Offer, now: datetime) -> Offered:
    """Claim for `offer.agent` if the queue's budget, read here, allows one more dial now."""
    _serialise(connection, offer.queue)
    snapshot, agent_free = _snapshot(connection, offer, now)
    budget = offer.budget(snapshot)
    if budget.allowed < 1 or not agent_free:
        return Offered(budget, None)
    try:
        claim = claim_eligible(connection, offer.queue, offer.agent, now, offer.lease, offer.check)
    except _AgentTaken:
        raise _Refused(budget) from None
    return Offered(budget, claim)


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

    def offer(self, offer: Offer, now: datetime) -> Offered:
        """Claim the first eligible due request of the queue for the agent, within the budget.

        No claim when the budget allows none, the agent is not available (or stopped being
        so meanwhile: then nothing changed), or no request may be dialled now.
        """
        for attempt in range(_RETRIES):
            try:
                with write_transaction(self._engine) as connection:
                    return offer_agent(connection, offer, now)
            except _Refused as refused:
                return Offered(refused.budget, None)
            except IntegrityError as error:
                # Another instance dialled the same number first: look again, past it.
                if not is_unique_violation(error) or attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable: the last retry raises")

    def recent_starts(self, queue: QueueName, since: datetime) -> tuple[datetime, ...]:
        """When the queue's dial attempts after `since` were claimed."""
        with read_transaction(self._engine) as connection:
            found = connection.execute(_RECENT, {"queue": queue, "since": since}).scalars()
            return tuple(found)

    def still_held(self, claim: Claim, now: datetime, margin: timedelta = timedelta(0)) -> bool:
        """Whether `claim` may still be dialled: its attempt is open with no call, the request
        is dialling under the claim's fence, and the lease runs past `now + margin`."""
        parameters = {"attempt_id": claim.attempt_id, "fence": claim.fence, "until": now + margin}
        with read_transaction(self._engine) as connection:
            return connection.execute(_HELD, parameters).first() is not None

    def return_undialled(
        self, claim: Claim, outcome: str, now: datetime, due_at: datetime | None = None
    ) -> CallbackRequest | None:
        """End an attempt whose call provably never went out; the request goes back in line.

        The attempt does not count against the customer's attempts: they were never rung.
        It is due again at `due_at` (default: at once). None when the attempt was already
        ended or its fence is stale.
        """
        with write_transaction(self._engine) as connection:
            row = queries.request_row(connection, RequestId(claim.request.id), lock=True)
            if row is not None and State(row["state"]) is State.CONNECTED:
                # Answered since the caller looked: a call did go out, the attempt stays open.
                return None
            ended = commands.finish_attempt(
                connection, claim.attempt_id, claim.fence, outcome, now, None
            )
            if not ended or row is None or State(row["state"]) is not State.DIALING:
                return None
            connection.execute(_UNCOUNT, {"row_id": row["id"]})
            moved = queries.request_row(connection, RequestId(claim.request.id))
            assert moved is not None
            due = now if due_at is None else due_at
            return to_request(commands.move(connection, moved, State.WAITING, now, due))
