"""The in-process webhook benchmark answers and stores every call it times."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bench.webhook_cpu import measure, params


def test_the_full_body_carries_twilios_26_fields_around_the_benchmarks_7() -> None:
    short, full = params(1, full=False), params(1, full=True)
    assert len(short) == 7 and len(full) == 26
    assert short.items() <= full.items()


def test_every_timed_call_is_answered_and_stored(tmp_path: Path) -> None:
    database = tmp_path / "holdless.db"
    results = asyncio.run(measure(database, rounds=1, per_round=4))
    assert [len(figures) for figures in results.values()] == [1, 1]
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute("SELECT count(*) FROM phone_call").fetchone()
    assert stored == 4 * 3  # the warm-up and one round of each body
