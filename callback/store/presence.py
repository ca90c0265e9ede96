"""Agents' presence: who may take a callback now, and every change with its cause.

A status changes by compare-and-set on the status (and the dial attempt holding a busy
agent), so an agent's own change and the dispatcher's never overwrite each other unseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import ATTEMPT, HELD_OFFER, PRESENCE, PRESENCE_CHANGE
from callback.types import AgentId

_p = PRESENCE.c
_a = ATTEMPT.c
_o = HELD_OFFER.c


ROSTER_CAUSE = "roster"
"""The cause of a roster row nobody has changed yet: the agent never signed in."""


class AgentStatus(StrEnum):
    """Where an agent stands."""

    AVAILABLE = "available"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    AWAY = "away"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class Presence:
    """An agent's presence now."""

    agent_id: AgentId
    status: AgentStatus
    since: datetime
    cause: str
    unanswered: int
    """Offers in a row the agent left unanswered."""
    attempt_id: int | None
    """The dial attempt a busy agent is held for."""
    until: datetime | None
    """When a wrap-up ends."""


@dataclass(frozen=True, slots=True)
class EndedOffer:
    """A busy agent whose dial attempt has ended (or vanished): presence must follow."""

    agent_id: AgentId
    attempt_id: int
    unanswered: int
    queue: str | None
    outcome: str | None
    ended_at: datetime | None
    held: bool = False
    """The offer was of a caller on hold (`attempt_id` is then the held offer's id)."""


@dataclass(frozen=True, slots=True)
class PresenceChange:
    """One entry of the presence history."""

    agent_id: AgentId
    status: AgentStatus
    at: datetime
    cause: str


_BY_ID = select(PRESENCE).where(_p.agent_id == bindparam("agent_id"))
_CHANGE = update(PRESENCE).where(
    _p.agent_id == bindparam("row_agent"), _p.status == bindparam("row_status")
)
_FINISH_OFFER = update(PRESENCE).where(
    _p.agent_id == bindparam("row_agent"),
    _p.status == AgentStatus.BUSY.value,
    _p.attempt_id == bindparam("row_attempt"),
)
_ENDED = (
    select(_p.agent_id, _p.attempt_id, _p.unanswered, _a.queue, _a.outcome, _a.ended_at)
    .select_from(PRESENCE.outerjoin(ATTEMPT, _a.id == _p.attempt_id))
    .where(_p.status == AgentStatus.BUSY.value, _p.attempt_id.is_not(None))
    .where((_a.id.is_(None)) | (_a.ended_at.is_not(None)))
)
_FINISH_HELD_OFFER = update(PRESENCE).where(
    _p.agent_id == bindparam("row_agent"),
    _p.status == AgentStatus.BUSY.value,
    _p.held_offer_id == bindparam("row_attempt"),
)
_ENDED_HELD = (
    select(
        _p.agent_id,
        _p.held_offer_id.label("attempt_id"),
        _p.unanswered,
        _o.queue,
        _o.outcome,
        _o.ended_at,
    )
    .select_from(PRESENCE.outerjoin(HELD_OFFER, _o.id == _p.held_offer_id))
    .where(_p.status == AgentStatus.BUSY.value, _p.held_offer_id.is_not(None))
    .where((_o.id.is_(None)) | (_o.ended_at.is_not(None)))
)
_WRAPPED = select(_p.agent_id).where(
    _p.status == AgentStatus.WRAP_UP.value, _p.until <= bindparam("now")
)
_HISTORY = (
    select(PRESENCE_CHANGE)
    .where(PRESENCE_CHANGE.c.agent_id == bindparam("agent_id"))
    .order_by(PRESENCE_CHANGE.c.id.desc())
)


def _presence(row: RowMapping) -> Presence:
    return Presence(
        agent_id=AgentId(row["agent_id"]),
        status=AgentStatus(row["status"]),
        since=row["since"],
        cause=row["cause"],
        unanswered=row["unanswered"],
        attempt_id=row["attempt_id"],
        until=row["until"],
    )


def _log(
    connection: Connection, agent: str, status: AgentStatus, now: datetime, cause: str
) -> None:
    values = {"agent_id": agent, "status": status.value, "at": now, "cause": cause}
    connection.execute(PRESENCE_CHANGE.insert(), values)


def change(
    connection: Connection,
    agent: str,
    expected: AgentStatus,
    target: AgentStatus,
    now: datetime,
    cause: str,
    **extra: Any,
) -> bool:
    """Move `agent` from `expected` to `target` (logged); False if it was not in `expected`."""
    values = {"status": target.value, "since": now, "cause": cause} | extra
    parameters = values | {"row_agent": agent, "row_status": expected.value}
    if connection.execute(_CHANGE, parameters).rowcount != 1:
        return False
    _log(connection, agent, target, now, cause)
    return True


def take(connection: Connection, agent: AgentId, attempt_id: int, now: datetime) -> bool:
    """Hold an available agent for a dial attempt (busy); False if they are not available."""
    extra = {"attempt_id": attempt_id, "until": None}
    return change(connection, agent, AgentStatus.AVAILABLE, AgentStatus.BUSY, now, "offer", **extra)


def take_for_held(connection: Connection, agent: AgentId, offer_id: int, now: datetime) -> bool:
    """Hold an available agent for a caller on hold (busy); False if they are not available."""
    extra = {"held_offer_id": offer_id, "until": None}
    available, busy = AgentStatus.AVAILABLE, AgentStatus.BUSY
    return change(connection, agent, available, busy, now, "offer: caller on hold", **extra)


def _ended(row: RowMapping, held: bool) -> EndedOffer:
    return EndedOffer(
        agent_id=AgentId(row["agent_id"]),
        attempt_id=row["attempt_id"],
        unanswered=row["unanswered"],
        queue=row["queue"],
        outcome=row["outcome"],
        ended_at=row["ended_at"],
        held=held,
    )


class PresenceStore:
    """The roster's presence in the database, shared by every instance."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def sync_roster(self, agents: Iterable[AgentId], now: datetime) -> None:
        """Give each agent of the roster a presence row (offline) if they have none yet."""
        rows = [
            {
                "agent_id": agent,
                "status": AgentStatus.OFFLINE.value,
                "since": now,
                "cause": ROSTER_CAUSE,
                "unanswered": 0,
            }
            for agent in agents
        ]
        if not rows:
            return
        with write_transaction(self._engine) as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            connection.execute(dialect.insert(PRESENCE).on_conflict_do_nothing(), rows)

    def get(self, agent: AgentId) -> Presence | None:
        """The agent's presence, or None if they have no row."""
        with read_transaction(self._engine) as connection:
            row = connection.execute(_BY_ID, {"agent_id": agent}).mappings().one_or_none()
        return None if row is None else _presence(row)

    def everyone(self) -> list[Presence]:
        """Every agent's presence, by id."""
        with read_transaction(self._engine) as connection:
            rows = connection.execute(select(PRESENCE).order_by(_p.agent_id)).mappings().all()
        return [_presence(row) for row in rows]

    def set_status(
        self, agent: AgentId, expected: AgentStatus, target: AgentStatus, now: datetime, cause: str
    ) -> bool:
        """An agent's or supervisor's change; back to work clears the unanswered offers."""
        extra: dict[str, Any] = {"until": None}
        if target is AgentStatus.AVAILABLE:
            extra["unanswered"] = 0
        with write_transaction(self._engine) as connection:
            return change(connection, agent, expected, target, now, cause, **extra)

    def ended_offers(self) -> list[EndedOffer]:
        """Busy agents whose dial attempt or held caller's offer has ended, with how it ended."""
        with read_transaction(self._engine) as connection:
            dials = connection.execute(_ENDED).mappings().all()
            held = connection.execute(_ENDED_HELD).mappings().all()
        return [_ended(row, False) for row in dials] + [_ended(row, True) for row in held]

    def finish_offer(
        self,
        offer: EndedOffer,
        target: AgentStatus,
        now: datetime,
        *,
        unanswered: int,
        until: datetime | None = None,
    ) -> bool:
        """Move a busy agent on after their attempt ended; False if something moved them first."""
        values = {
            "status": target.value,
            "since": now,
            "cause": f"call ended: {offer.outcome or 'unknown'}",
            "unanswered": unanswered,
            "attempt_id": None,
            "held_offer_id": None,
            "until": until,
        }
        parameters = values | {"row_agent": offer.agent_id, "row_attempt": offer.attempt_id}
        statement = _FINISH_HELD_OFFER if offer.held else _FINISH_OFFER
        with write_transaction(self._engine) as connection:
            if connection.execute(statement, parameters).rowcount != 1:
                return False
            _log(connection, offer.agent_id, target, now, str(values["cause"]))
            return True

    def end_wrap_ups(self, now: datetime) -> list[AgentId]:
        """Agents whose wrap-up is over become available; returns who did."""
        freed: list[AgentId] = []
        with write_transaction(self._engine) as connection:
            for agent in connection.execute(_WRAPPED, {"now": now}).scalars().all():
                wrap, ready = AgentStatus.WRAP_UP, AgentStatus.AVAILABLE
                if change(connection, agent, wrap, ready, now, "wrap-up over", until=None):
                    freed.append(AgentId(agent))
        return freed

    def history(self, agent: AgentId, limit: int = 50) -> list[PresenceChange]:
        """The agent's latest presence changes, newest first."""
        with read_transaction(self._engine) as connection:
            rows = connection.execute(_HISTORY.limit(limit), {"agent_id": agent}).mappings()
            return [
                PresenceChange(
                    AgentId(row["agent_id"]), AgentStatus(row["status"]), row["at"], row["cause"]
                )
                for row in rows
            ]
