"""Status-link tokens: only their SHA-256 is stored, so a database leak reveals no link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select

from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import STATUS_TOKEN
from callback.types import RequestId

_t = STATUS_TOKEN.c
_INSERT = insert(STATUS_TOKEN)


def add_in(connection: Connection, token_sha256: str, request_id: RequestId, now: datetime) -> None:
    """`TokenStore.add` inside the caller's write transaction."""
    row = {"token_sha256": token_sha256, "request_id": request_id, "created_at": now}
    connection.execute(_INSERT, row)


class TokenStore:
    """Maps the hash of a status token to its callback request."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, token_sha256: str, request_id: RequestId, now: datetime) -> None:
        """Remember that the token hashing to `token_sha256` shows `request_id`."""
        with write_transaction(self._engine) as connection:
            add_in(connection, token_sha256, request_id, now)

    def request_for(self, token_sha256: str) -> RequestId | None:
        """The request the token shows, or None for an unknown token."""
        query = select(_t.request_id).where(_t.token_sha256 == token_sha256)
        with read_transaction(self._engine) as connection:
            found = connection.execute(query).scalar_one_or_none()
        return RequestId(found) if found is not None else None
