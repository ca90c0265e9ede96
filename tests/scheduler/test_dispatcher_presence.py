"""Presence follows calls: busy, wrap-up, available again, away after unanswered offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callback.store.presence import AgentStatus, EndedOffer
from callback.types import AgentId
from scheduler.dispatch_lock import InstanceLock, InstanceLocked, lock_path
from scheduler.dispatch_presence import after_call

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WRAP = timedelta(seconds=45)


def _offer(outcome: str, unanswered: int = 0, ended: datetime = NOW) -> EndedOffer:
    return EndedOffer(AgentId("alice"), 1, unanswered, "support", outcome, ended)


def test_a_call_the_agent_took_is_followed_by_wrap_up() -> None:
    nxt = after_call(_offer("connected", unanswered=1), WRAP, 3, NOW)
    assert (nxt.status, nxt.unanswered, nxt.until) == (AgentStatus.WRAP_UP, 0, NOW + WRAP)


def test_a_wrap_up_already_over_leaves_the_agent_available() -> None:
    nxt = after_call(_offer("completed", ended=NOW - WRAP), WRAP, 3, NOW)
    assert nxt.status is AgentStatus.AVAILABLE


def test_unanswered_offers_put_the_agent_away_at_the_configured_count() -> None:
    assert after_call(_offer("agent_unavailable", 0), WRAP, 2, NOW).status is AgentStatus.AVAILABLE
    nxt = after_call(_offer("agent_unavailable", 1), WRAP, 2, NOW)
    assert (nxt.status, nxt.unanswered) == (AgentStatus.AWAY, 2)
    assert after_call(_offer("agent_unavailable", 50), WRAP, 0, NOW).status is AgentStatus.AVAILABLE


def test_a_customer_not_reached_frees_the_agent_at_once() -> None:
    nxt = after_call(_offer("busy", unanswered=1), WRAP, 3, NOW)
    assert (nxt.status, nxt.unanswered) == (AgentStatus.AVAILABLE, 1)


def test_a_second_instance_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = lock_path(f"sqlite:///{tmp_path / 'holdless.db'}")
    assert path == tmp_path / "holdless.db.lock"
    first = InstanceLock(path)
    first.acquire()
    try:
        with pytest.raises(InstanceLocked, match="already running on this SQLite database"):
            InstanceLock(path).acquire()
    finally:
        first.release()
    InstanceLock(path).acquire()  # free again once the first let go


def test_postgresql_needs_no_instance_lock() -> None:
    assert lock_path("postgresql+psycopg://db.example.com/holdless") is None
    assert lock_path("sqlite://") is None
