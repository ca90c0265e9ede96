"""Password hashes: Argon2id, salted, checked in one way for known and unknown names."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from callback.passwords import MAX_LENGTH, Passwords, WeakPassword

QUICK = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
GOOD = "purple-otter-harbour-42"


def test_a_hash_is_argon2id_salted_and_never_the_password() -> None:
    first, second = QUICK.hash(GOOD), QUICK.hash(GOOD)
    assert first.startswith("$argon2id$")
    assert first != second
    assert GOOD not in first


def test_only_the_password_matches_its_hash() -> None:
    stored = QUICK.hash(GOOD)
    assert QUICK.matches(stored, GOOD)
    assert not QUICK.matches(stored, GOOD.upper())
    assert not QUICK.matches(stored, "")
    assert not QUICK.matches("not a hash at all", GOOD)


def test_without_a_stored_hash_nothing_matches() -> None:
    assert not QUICK.matches(None, GOOD)


def test_absurdly_long_input_is_not_hashed() -> None:
    stored = QUICK.hash(GOOD)
    assert not QUICK.matches(stored, GOOD * (MAX_LENGTH // len(GOOD) + 1))


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("", "at least 12"),
        ("short-pass", "at least 12"),
        ("a" * 20, "4 different"),
        ("abab" * 6, "4 different"),
        ("x" * (MAX_LENGTH + 1), "at most"),
    ],
)
def test_weak_passwords_are_refused(password: str, rule: str) -> None:
    with pytest.raises(WeakPassword, match=rule):
        QUICK.hash(password)
