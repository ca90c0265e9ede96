"""What a claim reads about its queue before deciding: free agents, callers on hold, calls in
progress and the last minute's dial starts, in one round trip inside the claim's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, func, select

from callback.dispatch import WINDOW, Snapshot
from callback.store import presence
from callback.store.calls import ON_HOLD_IN_QUEUE
from callback.store.tables import ATTEMPT, ON_CALL_STATES, PRESENCE, REQUEST, state_in
from callback.types import AgentId, QueueName

_r = REQUEST.c
_a = ATTEMPT.c
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


def read_snapshot(
    connection: Connection,
    queue: QueueName,
    team: Sequence[AgentId],
    agent: AgentId,
    now: datetime,
) -> tuple[Snapshot, bool]:
    """The queue's counts for its budget, and whether `agent` is available, in one read."""
    parameters = {
        "queue": queue,
        "team": list(team),
        "agent": agent,
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
