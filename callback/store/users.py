"""The people who sign in to the console: name, role, roster agent and password hash.

The store keeps hashes only (callback.passwords makes them); it never sees a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Engine, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from callback.store.console_tables import CONSOLE_USER
from callback.store.engine import is_unique_violation, read_transaction, write_transaction

_u = CONSOLE_USER.c


class Role(StrEnum):
    """What a user may do in the console."""

    SUPERVISOR = "supervisor"
    AGENT = "agent"
    VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class User:
    """One console user as stored."""

    id: int
    name: str
    role: Role
    agent_id: str | None
    password_hash: str
    session_generation: int
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        """False once the user is disabled."""
        return self.disabled_at is None


class UserExists(Exception):
    """A user of that name is already stored."""


class UnknownUser(Exception):
    """No user of that name is stored."""


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        agent_id=row["agent_id"],
        password_hash=row["password_hash"],
        session_generation=row["session_generation"],
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
    )


class UserStore:
    """Console users in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(
        self, name: str, role: Role, agent_id: str | None, password_hash: str, now: datetime
    ) -> User:
        """Store a new user; `UserExists` if the name is taken."""
        row = {
            "name": name,
            "role": role.value,
            "agent_id": agent_id,
            "password_hash": password_hash,
            "session_generation": 0,
            "created_at": now,
            "password_changed_at": now,
            "disabled_at": None,
        }
        try:
            with write_transaction(self._engine) as connection:
                connection.execute(insert(CONSOLE_USER).values(row))
        except IntegrityError as error:
            if is_unique_violation(error):
                raise UserExists(name) from None
            raise
        found = self.by_name(name)
        assert found is not None  # just written
        return found

    def by_name(self, name: str) -> User | None:
        """The user called `name`, disabled or not."""
        return self._one(_u.name == name)

    def by_id(self, user_id: int) -> User | None:
        """The user with id `user_id`, disabled or not."""
        return self._one(_u.id == user_id)

    def all(self) -> list[User]:
        """Every user, by name."""
        with read_transaction(self._engine) as connection:
            rows = connection.execute(select(CONSOLE_USER).order_by(_u.name)).mappings()
            return [_user(row) for row in rows]

    def set_password(self, name: str, password_hash: str, now: datetime) -> None:
        """Replace the user's password hash; their open sessions end."""
        self._change(name, {"password_hash": password_hash, "password_changed_at": now})

    def disable(self, name: str, now: datetime) -> None:
        """Stop the user signing in; their open sessions end."""
        self._change(name, {"disabled_at": now})

    def end_sessions(self, name: str) -> None:
        """End every session the user has open (signing out ends them all)."""
        self._change(name, {})

    def _one(self, where: ColumnElement[bool]) -> User | None:
        with read_transaction(self._engine) as connection:
            row = connection.execute(select(CONSOLE_USER).where(where)).mappings().first()
            return None if row is None else _user(row)

    def _change(self, name: str, values: dict[str, object]) -> None:
        values = values | {"session_generation": _u.session_generation + 1}
        with write_transaction(self._engine) as connection:
            changed = connection.execute(
                update(CONSOLE_USER).where(_u.name == name).values(values)
            ).rowcount
        if changed == 0:
            raise UnknownUser(name)
