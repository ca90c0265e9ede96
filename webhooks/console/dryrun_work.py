"""The console's dry run, without the web: bounds, one run per user, the simulation, applying.

Runs in a worker thread (the page hands it to `run_in_threadpool`); nothing here reads the
clock or the request.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from callback.config import SupervisorConfig, parse_config
from callback.config.reload import digest_of
from callback.simulate.arrivals import Interval, ProfileError, parse_profile
from callback.simulate.compare import Setup
from callback.simulate.history import covered_days, profile
from callback.simulate.render import chart
from callback.simulate.report import QueueReport, compare
from callback.store.history import read_history

T = TypeVar("T")
MAX_CONTACTS = 20_000
"""Simulated contacts per run (both configs, every replication): about 3 s of one core."""
MAX_TEXT = 256 * 1024
"""The largest config or forecast the page takes (the example config is 10 KiB)."""
HISTORY_DAYS = 28
DAYS = range(1, 8)
REPLICATIONS = range(2, 11)


class Busy(Exception):
    """The user already has a dry run going."""


class DryRuns:
    """Who has a dry run going in this process: one at a time per user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self.writing = threading.Lock()
        """Held while the file is compared and replaced: two applies never interleave."""

    def run(self, user: str, work: Callable[[], T]) -> T:
        """Do `work` in `user`'s slot (in the calling worker thread): it is held until the
        work really ends, even if the request that asked for it is gone."""
        with self.claim(user):
            return work()

    @contextmanager
    def claim(self, user: str) -> Iterator[None]:
        """Hold `user`'s one slot for the block; `Busy` when it is taken."""
        with self._lock:
            if user in self._running:
                raise Busy(user)
            self._running.add(user)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(user)


@dataclass(frozen=True, slots=True)
class Ask:
    """What a supervisor asked for: the proposed text, the arrivals, the span."""

    proposed: str
    forecast: str
    start: date
    days: int
    replications: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished dry run: each queue's comparison and the SVG chart."""

    reports: tuple[QueueReport, ...]
    svg: str
    setup: Setup


def normalised(text: str) -> str:
    """Form submissions send CRLF line breaks; the file keeps LF."""
    return text.replace("\r\n", "\n")


def validate(text: str, source: str) -> SupervisorConfig:
    """The proposed text through the same validation as a hand edit of the file."""
    return parse_config(text.encode("utf-8"), source)


def expected_contacts(rows: tuple[Interval, ...], queues: set[str], ask: Ask) -> float:
    """How many contacts the run would simulate: every day, replication and both configs."""
    total = 0.0
    for offset in range(ask.days):
        weekday = (ask.start + timedelta(days=offset)).weekday()
        total += sum(r.offered for r in rows if r.queue in queues and r.applies(weekday))
    return total * ask.replications * 2


def arrivals(
    ask: Ask, engine: Engine, config: SupervisorConfig, now: datetime
) -> tuple[Interval, ...]:
    """The pasted forecast, or else the profile of the last weeks of history."""
    if ask.forecast.strip():
        return parse_profile(ask.forecast)
    history = read_history(engine, now - timedelta(days=HISTORY_DAYS), now)
    return profile(history, config, covered_days(history, now, HISTORY_DAYS), now)


class Refused(Exception):
    """A dry run that will not run, with the reason to show."""


def simulate(
    current: SupervisorConfig,
    proposed: SupervisorConfig,
    rows: Callable[[], tuple[Interval, ...]],
    ask: Ask,
) -> Outcome:
    """Both configs on the same contacts, within the contact budget; `Refused` otherwise."""
    try:
        found = rows()
    except ProfileError as error:
        raise Refused(f"forecast: {error}") from None
    if not found:
        raise Refused("no history in the database yet; paste a forecast (CSV) instead")
    both = set(current.queues) & set(proposed.queues)
    expected = expected_contacts(found, both, ask)
    if expected > MAX_CONTACTS:
        raise Refused(
            f"this dry run would simulate about {expected:,.0f} contacts, over the console's "
            f"{MAX_CONTACTS:,}; choose fewer days or replications, or run `holdless simulate`"
        )
    setup = Setup(found, ask.start, ask.days, 1, ask.replications)
    reports = tuple(compare(current, proposed, setup))
    return Outcome(reports, chart(reports), setup)


class Stale(Exception):
    """The file changed since the dry run."""

    def __init__(self, now: str) -> None:
        super().__init__(now)
        self.now = now


def write_config(path: Path, text: str, base: str, lock: threading.Lock) -> tuple[str, str]:
    """Validate `text` and put it in place of the file if it still hashes to `base`.

    Returns (hash before, hash after); raises `ConfigError` or `Stale`. The write is a
    rename, so the live reload never reads a half-written file.
    """
    validate(text, str(path))
    with lock:
        return _replace(path, text, base)


def _replace(path: Path, text: str, base: str) -> tuple[str, str]:
    before = digest_of(path.read_bytes())
    if before != base:
        raise Stale(before)
    data = text.encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".holdless-", suffix=".toml")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).chmod(path.stat().st_mode & 0o777)
        Path(temporary).replace(path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
    return before, digest_of(data)
