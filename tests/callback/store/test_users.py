"""The user and audit stores, the same contract on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from callback.store.audit import MAX_DETAIL, AuditStore
from callback.store.users import Role, UnknownUser, UserExists, UserStore
from tests.webhooks.conftest import MONDAY_10

HASH = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


def test_a_user_is_stored_and_found_by_name_and_id(engine: Engine) -> None:
    store = UserStore(engine)
    added = store.add("alice", Role.AGENT, "alice", HASH, MONDAY_10)
    assert (added.name, added.role, added.agent_id) == ("alice", Role.AGENT, "alice")
    assert (added.session_generation, added.created_at, added.active) == (0, MONDAY_10, True)
    assert store.by_name("alice") == added
    assert store.by_id(added.id) == added
    assert store.by_name("bob") is None


def test_a_name_is_taken_once(engine: Engine) -> None:
    store = UserStore(engine)
    store.add("sam", Role.SUPERVISOR, None, HASH, MONDAY_10)
    with pytest.raises(UserExists):
        store.add("sam", Role.VIEWER, None, HASH, MONDAY_10)
    assert [user.role for user in store.all()] == [Role.SUPERVISOR]


@pytest.mark.parametrize(("role", "agent"), [(Role.AGENT, None), (Role.SUPERVISOR, "alice")])
def test_only_an_agent_user_is_tied_to_an_agent(
    engine: Engine, role: Role, agent: str | None
) -> None:
    with pytest.raises(IntegrityError):
        UserStore(engine).add("someone", role, agent, HASH, MONDAY_10)


def test_changes_end_the_open_sessions(engine: Engine) -> None:
    store = UserStore(engine)
    store.add("sam", Role.SUPERVISOR, None, HASH, MONDAY_10)
    store.set_password("sam", HASH + "x", MONDAY_10)
    store.end_sessions("sam")
    later = MONDAY_10 + timedelta(hours=1)
    store.disable("sam", later)
    user = store.by_name("sam")
    assert user is not None
    assert (user.password_hash, user.session_generation) == (HASH + "x", 3)
    assert (user.disabled_at, user.active) == (later, False)


def test_an_unknown_name_cannot_be_changed(engine: Engine) -> None:
    store = UserStore(engine)
    for change in (store.end_sessions, lambda name: store.disable(name, MONDAY_10)):
        with pytest.raises(UnknownUser):
            change("nobody")


def test_audit_records_come_newest_first_and_by_actor(engine: Engine) -> None:
    audit = AuditStore(engine)
    for minute, actor in enumerate(["sam", "alice", "sam"]):
        audit.record(actor, "sign-in", f"n={minute}", MONDAY_10 + timedelta(minutes=minute))
    assert [r.detail for r in audit.recent()] == ["n=2", "n=1", "n=0"]
    assert [r.detail for r in audit.recent(actor="sam")] == ["n=2", "n=0"]
    assert [r.detail for r in audit.recent(limit=1)] == ["n=2"]
    newest = audit.recent()[0]
    assert (newest.actor, newest.action, newest.at) == (
        "sam",
        "sign-in",
        MONDAY_10 + timedelta(minutes=2),
    )


def test_a_long_detail_is_cut(engine: Engine) -> None:
    AuditStore(engine).record("cli", "user-add", "x" * 5000, MONDAY_10)
    assert len(AuditStore(engine).recent()[0].detail) == MAX_DETAIL
