"""The group-commit benchmark stores every call it times, in groups of the sizes it reports."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.group_commit import GROUPS, Size, measure, report
from callback.store import make_engine
from callback.store.tables import PHONE_CALL


def test_every_timed_call_is_stored_and_each_group_size_reported(sqlite_url: str) -> None:
    size = Size(stored_first=40, calls_per_round=32, rounds=2)
    engine = make_engine(sqlite_url)
    try:
        results = measure(engine, size)
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(PHONE_CALL)).scalar()
    finally:
        engine.dispose()
    assert stored == 40 + 2 * 32 * len(GROUPS)
    assert sorted(results) == list(GROUPS)
    assert all(len(figures) == 2 and min(figures) > 0 for figures in results.values())
    table = report(results, size)
    assert [line.split("|")[1].strip() for line in table.splitlines()[4:]] == [
        str(g) for g in GROUPS
    ]
