"""Password hashes for console users: Argon2id through argon2-cffi, never the password."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
"""Longer input is refused before hashing: hashing megabytes is a cheap way to burn CPU."""


class WeakPassword(ValueError):
    """A password the rules refuse, with the rule."""


def check_rules(password: str) -> None:
    """Refuse a password too short, too long or of one repeated character."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    if len(set(password)) < 4:
        raise WeakPassword("a password uses at least 4 different characters")


class Passwords:
    """Hashes and checks passwords with Argon2id (argon2-cffi's recommended parameters).

    A check runs with the parameters stored in the hash it checks against.
    """

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._unknown: str | None = None

    def _stand_in(self) -> str:
        """A hash checked for an unknown name, so that it costs as long as a known one."""
        if self._unknown is None:  # made on first need: building the app stays quick
            self._unknown = self._hasher.hash(secrets.token_urlsafe(16))
        return self._unknown

    def hash(self, password: str) -> str:
        """A salted Argon2id hash of a password that passes `check_rules`."""
        check_rules(password)
        return self._hasher.hash(password)

    def matches(self, stored: str | None, password: str) -> bool:
        """Whether `password` is the one `stored` was made from; None is checked too (timing)."""
        if len(password) > MAX_LENGTH:
            return False
        try:
            return self._hasher.verify(stored or self._stand_in(), password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False
