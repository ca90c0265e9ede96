"""Pending SMS verifications on SQLite and PostgreSQL: replace, judge a guess, forget."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from callback.store.tables import PHONE_VERIFICATION
from callback.store.verification import Guess, Pending, Verdict, VerificationStore
from callback.types import E164

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NUMBER = E164("+442079460456")
TTL = timedelta(minutes=10)


def _pending(key: str, number: E164 = NUMBER, mac: str = "mac-right") -> Pending:
    return Pending(
        id_sha256=key,
        number=number,
        code_mac=mac,
        client_id="www",
        submission='{"queue": "support"}',
        created_at=NOW,
        expires_at=NOW + TTL,
    )


def _guess(key: str = "id-1", mac: str = "mac-right", client: str = "www") -> Guess:
    return Guess(id_sha256=key, code_mac=mac, client_id=client, max_attempts=3)


def _rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(PHONE_VERIFICATION)).scalar_one()
        )


@pytest.fixture
def verifications(engine: Engine) -> VerificationStore:
    """A verification store on each backend."""
    return VerificationStore(engine)


def test_the_right_code_hands_out_the_submission_once(
    verifications: VerificationStore, engine: Engine
) -> None:
    verifications.replace(_pending("id-1"))
    checked = verifications.check(_guess(), NOW + timedelta(minutes=1))
    assert checked.verdict is Verdict.RIGHT
    assert checked.pending == _pending("id-1")
    assert _rows(engine) == 0
    assert verifications.check(_guess(), NOW).verdict is Verdict.UNKNOWN


def test_wrong_codes_are_counted_until_the_verification_locks(
    verifications: VerificationStore,
) -> None:
    verifications.replace(_pending("id-1"))
    left = [verifications.check(_guess(mac="mac-wrong"), NOW).attempts_left for _ in range(3)]
    assert left == [2, 1, 0]
    locked = verifications.check(_guess(), NOW)
    assert (locked.verdict, locked.pending) == (Verdict.LOCKED, None)


def test_an_expired_code_is_refused_even_when_right(verifications: VerificationStore) -> None:
    verifications.replace(_pending("id-1"))
    assert verifications.check(_guess(), NOW + TTL).verdict is Verdict.EXPIRED


def test_another_client_cannot_use_the_id(verifications: VerificationStore) -> None:
    verifications.replace(_pending("id-1"))
    assert verifications.check(_guess(client="ios-app"), NOW).verdict is Verdict.UNKNOWN
    assert verifications.check(_guess(), NOW).verdict is Verdict.RIGHT


def test_a_new_verification_for_the_number_replaces_the_old_one(
    verifications: VerificationStore, engine: Engine
) -> None:
    verifications.replace(_pending("id-1"))
    verifications.replace(_pending("id-2", mac="mac-new"))
    verifications.replace(_pending("id-3", number=E164("+442079460457")))
    assert _rows(engine) == 2
    assert verifications.check(_guess("id-1"), NOW).verdict is Verdict.UNKNOWN
    assert verifications.check(_guess("id-2", mac="mac-new"), NOW).verdict is Verdict.RIGHT


def test_forgetting_removes_only_expired_verifications(
    verifications: VerificationStore, engine: Engine
) -> None:
    verifications.replace(_pending("id-1"))
    later = _pending("id-2", number=E164("+442079460457"))
    verifications.replace(replace(later, expires_at=later.expires_at + TTL))
    assert verifications.forget_expired(NOW + TTL) == 0
    assert verifications.forget_expired(NOW + TTL + timedelta(seconds=1)) == 1
    assert verifications.check(_guess("id-2"), NOW).verdict is Verdict.RIGHT
