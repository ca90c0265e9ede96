"""One dispatching instance per SQLite file: an exclusive advisory lock beside the database.

SQLite keeps one machine's writers apart, but two dispatchers on one file would each trust
their own clock and leases; PostgreSQL deployments may run several (the database decides).
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


class InstanceLocked(RuntimeError):
    """Another Holdless instance already dispatches on this SQLite database."""


def lock_path(database_url: str) -> Path | None:
    """The lock file beside a SQLite database file; None for PostgreSQL or in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.lock")


@dataclass
class InstanceLock:
    """Held for the life of the process: the kernel releases it even on SIGKILL."""

    path: Path
    _fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise `InstanceLocked` with a message saying what to do."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InstanceLocked(
                f"another Holdless instance is already running on this SQLite database "
                f"(lock {self.path}); stop it, or use PostgreSQL to run several instances"
            ) from None
        self._fd = fd

    def release(self) -> None:
        """Let the lock go (the process is stopping)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
