"""A hand-built day of one queue's history for the report's tests (store and console)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert

from callback.store.tables import ATTEMPT, BROKEN_PROMISE, HELD_CALL, HELD_OFFER, REQUEST


def at(hour: int, minute: int, second: int = 0, day: int = 2) -> datetime:
    """A moment of March 2026, UTC."""
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def _rated(score: int) -> list[dict[str, Any]]:
    web = {"channel": "web", "at": "2026-03-02T09:00:00+00:00", "data": {}}
    return [
        web,
        {"channel": "ivr", "at": "2026-03-02T09:30:00+00:00", "data": {"survey_rating": score}},
    ]


def _request(n: int, created: datetime, state: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": n, "queue": "support", "number": f"+44207946{n:04d}", "channel": "web",
        "state": state, "name": None, "language": "en", "priority": 0, "virtual_start": created,
        "due_at": created, "attempts": 0, "contexts": [], "entered_line_at": created,
        "fence": 0, "created_at": created, "updated_at": created, "finished_at": None,
        "promise_announced_at": None, "promise_wait_s": None, "promise_low_s": None,
        "promise_high_s": None, "promise_by": None,
    }  # fmt: skip
    return row | values


def _promise(announced: datetime, wait: float, low: float, high: float) -> dict[str, Any]:
    return {
        "promise_announced_at": announced,
        "promise_wait_s": wait,
        "promise_low_s": low,
        "promise_high_s": high,
        "promise_by": announced + timedelta(seconds=high),
    }


def _attempt(request: int, fence: int, claimed: datetime, outcome: str) -> dict[str, Any]:
    return {
        "request_id": request, "fence": fence, "queue": "support",
        "number": f"+44207946{request:04d}", "claimed_at": claimed,
        "lease_until": claimed + timedelta(seconds=90), "ended_at": claimed + timedelta(minutes=1),
        "outcome": outcome,
    }  # fmt: skip


def _held(n: int, joined: datetime, state: str, ended: datetime, fence: int) -> dict[str, Any]:
    return {
        "id": n, "call_sid": f"CA{n:032d}", "queue": "support", "queue_sid": "QU1",
        "language": "en", "priority": 0, "virtual_start": joined, "state": state,
        "fence": fence, "joined_at": joined, "updated_at": ended, "ended_at": ended,
    }  # fmt: skip


def history(connection: Connection) -> None:
    """R1 reached in 50 s at the second dial, promise kept, told 60 s, rated 4; R2 reached in
    180 s, promise broken, told 120 s, rated 2; R3 cancelled before any dial; R4 expired after
    a dial; R5 in sales; R6 tomorrow. Callers on hold: one served in 40 s, one abandoned, one
    who left for a callback."""
    requests = [
        _request(1, at(9, 0), "completed", attempts=2, fence=2, finished_at=at(9, 10),
                 contexts=_rated(4), **_promise(at(9, 0), 60, 30, 120)),
        _request(2, at(9, 5), "completed", attempts=1, fence=1, finished_at=at(9, 20),
                 contexts=_rated(2), **_promise(at(9, 5), 120, 60, 150)),
        _request(3, at(9, 10), "cancelled", finished_at=at(9, 12)),
        _request(4, at(9, 15), "expired", attempts=1, fence=1, finished_at=at(9, 40)),
        _request(5, at(9, 0), "completed", queue="sales", attempts=1, fence=1,
                 finished_at=at(9, 10), contexts=_rated(5)),
        _request(6, at(10, 0, day=3), "waiting"),
    ]  # fmt: skip
    connection.execute(insert(REQUEST), requests)
    attempts = [
        _attempt(1, 1, at(9, 0, 10), "no_answer"),
        _attempt(1, 2, at(9, 0, 50), "connected"),
        _attempt(2, 1, at(9, 8), "connected"),
        _attempt(4, 1, at(9, 16), "no_answer"),
        _attempt(5, 1, at(9, 1), "connected") | {"queue": "sales"},
    ]
    connection.execute(insert(ATTEMPT), attempts)
    broken = {"request_id": 2, "queue": "support", "promise_by": at(9, 7, 30), "at": at(9, 8)}
    connection.execute(insert(BROKEN_PROMISE), [broken])
    held = [
        _held(1, at(9, 2), "served", at(9, 15), 1),
        _held(2, at(9, 3), "abandoned", at(9, 6), 0),
        _held(3, at(9, 4), "left", at(9, 5), 0),
    ]
    connection.execute(insert(HELD_CALL), held)
    offer = {
        "held_id": 1, "fence": 1, "queue": "support", "agent_id": "alice",
        "claimed_at": at(9, 2, 40), "lease_until": at(9, 4), "ended_at": at(9, 15),
        "outcome": "bridged",
    }  # fmt: skip
    connection.execute(insert(HELD_OFFER), [offer])
