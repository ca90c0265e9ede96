"""Console test helpers: users in the database, the CSRF token of a page, signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from httpx2 import Response
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.passwords import Passwords
from callback.store.audit import AuditRecord, AuditStore
from callback.store.users import Role, UserStore
from tests.webhooks.conftest import MONDAY_10

PASSWORD = "correct horse battery staple"
USERS = {
    "sam": (Role.SUPERVISOR, None),
    "alice": (Role.AGENT, "alice"),
    "vera": (Role.VIEWER, None),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    """A clock a test moves on."""

    now: datetime = MONDAY_10

    def __call__(self) -> datetime:
        return self.now


def quick_passwords() -> Passwords:
    """Argon2id at its cheapest: checks run with a hash's own parameters, so tests stay quick."""
    return Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def add_users(engine: Engine) -> None:
    """The supervisor sam, the agent alice (roster agent alice) and the viewer vera."""
    hashed = quick_passwords().hash(PASSWORD)
    store = UserStore(engine)
    for name, (role, agent) in USERS.items():
        store.add(name, role, agent, hashed, MONDAY_10)


def csrf_of(html: str) -> str:
    """The CSRF token in a page's form."""
    found = CSRF.search(html)
    assert found is not None, html[:500]
    return found[1]


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Response:
    """Open the sign-in page and send its form (redirects not followed)."""
    token = csrf_of(client.get("/console/sign-in").text)
    form = {"csrf": token, "name": name, "password": password}
    return client.post("/console/sign-in", data=form, follow_redirects=False)


def records(engine: Engine, action: str | None = None) -> list[AuditRecord]:
    """The audit records, newest first, of `action` or all."""
    found = AuditStore(engine).recent(1000)
    return [r for r in found if action is None or r.action == action]
