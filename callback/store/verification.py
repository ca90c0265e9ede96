"""Submissions held until the owner of their number types the code sent to it (double opt-in).

A row keeps what the caller of the API sent, the SHA-256 of the opaque verification id and a
MAC of the code; `check` reads, counts a wrong guess and hands out a right one in one
transaction, so parallel guesses cannot exceed the allowed attempts.
"""

from __future__ import annotations

import hmac
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, Engine, delete, insert, select, update

from callback.store.engine import write_transaction
from callback.store.request_sms import SmsKind, record_sms
from callback.store.tables import PHONE_VERIFICATION
from callback.types import E164, RequestId

_v = PHONE_VERIFICATION.c


@dataclass(frozen=True, slots=True)
class Pending:
    """One submission waiting for its code."""

    id_sha256: str
    number: E164
    code_mac: str
    client_id: str
    submission: str
    """The request as JSON, exactly as it will be booked once confirmed."""
    created_at: datetime
    expires_at: datetime
    attempts: int = 0


class Verdict(StrEnum):
    """What a typed code proved."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    LOCKED = "locked"
    WRONG = "wrong"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Checked:
    """The verdict, the guesses left, and the submission when the code was right."""

    verdict: Verdict
    attempts_left: int
    pending: Pending | None = None


@dataclass(frozen=True, slots=True)
class Guess:
    """A typed code for one verification, by one client, with the attempts allowed."""

    id_sha256: str
    code_mac: str
    client_id: str
    max_attempts: int


class VerificationStore:
    """Pending verifications in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def replace(self, pending: Pending) -> None:
        """Store `pending`; an earlier one for the same number is dropped (its id stops working)."""
        row = asdict(pending)
        with write_transaction(self._engine) as connection:
            connection.execute(delete(PHONE_VERIFICATION).where(_v.number == pending.number))
            connection.execute(insert(PHONE_VERIFICATION), row)

    def check(self, guess: Guess, now: datetime) -> Checked:
        """Judge `guess`: a right code removes the row and returns it, a wrong one is counted."""
        with write_transaction(self._engine) as connection:
            found = _locked_row(connection, guess.id_sha256)
            if found is None or found.client_id != guess.client_id:
                return Checked(Verdict.UNKNOWN, 0)
            left = max(0, guess.max_attempts - found.attempts)
            if now >= found.expires_at:
                return Checked(Verdict.EXPIRED, left)
            if left == 0:
                return Checked(Verdict.LOCKED, 0)
            if not hmac.compare_digest(found.code_mac, guess.code_mac):
                _count_guess(connection, guess.id_sha256)
                return Checked(Verdict.WRONG, left - 1)
            connection.execute(delete(PHONE_VERIFICATION).where(_v.id_sha256 == guess.id_sha256))
            return Checked(Verdict.RIGHT, left, found)

    def texted(self, request_id: RequestId, pending: Pending) -> None:
        """Put the code sent for `pending` on the timeline of the request it became (no code)."""
        with write_transaction(self._engine) as connection:
            record_sms(connection, request_id, SmsKind.VERIFICATION, None, pending.created_at)

    def forget_expired(self, now: datetime) -> int:
        """Delete verifications that expired before `now`, with the personal data they hold."""
        with write_transaction(self._engine) as connection:
            return connection.execute(
                delete(PHONE_VERIFICATION).where(_v.expires_at < now)
            ).rowcount


def _locked_row(connection: Connection, id_sha256: str) -> Pending | None:
    # FOR UPDATE on PostgreSQL (SQLite's write transaction is exclusive already), so two
    # guesses at once are judged one after the other.
    query = select(PHONE_VERIFICATION).where(_v.id_sha256 == id_sha256).with_for_update()
    row = connection.execute(query).mappings().one_or_none()
    if row is None:
        return None
    return Pending(**{**row, "number": E164(row["number"])})


def _count_guess(connection: Connection, id_sha256: str) -> None:
    connection.execute(
        update(PHONE_VERIFICATION).where(_v.id_sha256 == id_sha256).values(attempts=_v.attempts + 1)
    )
