"""The announcement-cost benchmark books what it times, one announcement per kept booking."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench.announce_cost import QUICK, WAYS, measure, report
from callback.store import make_engine
from callback.store.announcements import ANNOUNCEMENT
from callback.store.tables import REQUEST


def _count(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            requests = connection.execute(select(func.count()).select_from(REQUEST)).scalar_one()
            kept = connection.execute(select(func.count()).select_from(ANNOUNCEMENT)).scalar_one()
    finally:
        engine.dispose()
    return int(requests), int(kept)


def test_both_ways_book_and_only_one_keeps_announcements(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.db"
    results = measure(url, QUICK)
    per_way = QUICK.rounds * QUICK.bookings_per_round
    assert _count(url) == (2 * per_way, per_way)
    assert set(results) == set(WAYS)
    assert all(f.cpu_ms > 0 and f.wall_ms > 0 for f in results.values())
    table = report({"sqlite": results}).splitlines()
    assert len(table) == 3 and table[2].startswith("| sqlite |")
