"""Reading what the instances stored, for the ground-truth checks (read only)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, func, select

from callback.store.tables import ATTEMPT, HELD_CALL, REQUEST
from callback.types import FINAL_STATES, State
from chaos.held import HeldRow
from chaos.truth import AttemptRow, RequestRow

_a = ATTEMPT.c
_r = REQUEST.c


def engine_for(database_url: str) -> Engine:
    """A small engine of our own (never the instances')."""
    return create_engine(database_url, pool_pre_ping=True, pool_size=2)


def attempts(engine: Engine) -> list[AttemptRow]:
    """Every dial attempt."""
    query = select(_a.id, _a.request_id, _a.claimed_at, _a.call_sid, _a.outcome)
    with engine.connect() as connection:
        return [AttemptRow(*row) for row in connection.execute(query)]


def requests(engine: Engine) -> list[RequestRow]:
    """Every callback request with its number and state."""
    query = select(_r.id, _r.number, _r.state)
    with engine.connect() as connection:
        return [RequestRow(i, n, State(s)) for i, n, s in connection.execute(query)]


def held(engine: Engine) -> dict[str, HeldRow]:
    """Every caller who held, by CallSid, with their state."""
    query = select(HELD_CALL.c.call_sid, HELD_CALL.c.state)
    with engine.connect() as connection:
        return {sid: HeldRow(sid, state) for sid, state in connection.execute(query)}


def unfinished(engine: Engine) -> int:
    """Requests not yet in a final state."""
    finals = [state.value for state in FINAL_STATES]
    query = select(func.count()).where(_r.state.not_in(finals))
    with engine.connect() as connection:
        count: int = connection.execute(query).scalar_one()
    return count


def unfinished_by_state(engine: Engine) -> dict[str, int]:
    """Requests not in a final state, per state; `connected`/`dialing` split by whether the
    open attempt has a CallSid (`+sid`) or not (`-sid`)."""
    finals = [state.value for state in FINAL_STATES]
    open_sid = (
        select(func.count())
        .where(_a.request_id == _r.id, _a.ended_at.is_(None), _a.call_sid.is_not(None))
        .scalar_subquery()
    )
    query = select(_r.state, open_sid > 0).where(_r.state.not_in(finals))
    found: dict[str, int] = {}
    with engine.connect() as connection:
        for state, has_sid in connection.execute(query):
            key = (
                state
                if state in ("waiting", "scheduled")
                else f"{state}{'+' if has_sid else '-'}sid"
            )
            found[key] = found.get(key, 0) + 1
    return found
