"""Aware UTC timestamps: exact round trips, correct order, naive values refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from callback.store.utc import UtcTimestamp, from_micros, require_aware, to_micros

PARIS_WINTER = timezone(timedelta(hours=1))


def test_micros_round_trip_is_exact() -> None:
    moment = datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC)
    assert from_micros(to_micros(moment)) == moment
    assert to_micros(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert to_micros(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)) == -1


def test_require_aware_converts_to_utc_and_refuses_naive() -> None:
    local = datetime(2026, 1, 5, 10, 0, tzinfo=PARIS_WINTER)
    assert require_aware(local) == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert require_aware(local).tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        require_aware(datetime(2026, 1, 5, 10, 0))


@pytest.fixture
def stamps(engine: Engine) -> Table:
    table = Table(
        "utc_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UtcTimestamp(), nullable=True),
    )
    table.create(engine)
    return table


def test_values_come_back_in_utc_and_sort_in_time_order(engine: Engine, stamps: Table) -> None:
    values = [
        datetime(2026, 1, 5, 10, 0, tzinfo=PARIS_WINTER),  # 09:00 UTC
        datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        datetime(2026, 1, 5, 8, 59, 59, 999_999, tzinfo=UTC),
        datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC),
    ]
    with engine.begin() as connection:
        connection.execute(insert(stamps), [{"at": value} for value in values] + [{"at": None}])
        stored = connection.execute(select(stamps.c.at).order_by(stamps.c.id)).scalars().all()
        after = select(stamps.c.at).where(stamps.c.at > values[0]).order_by(stamps.c.at)
        later = connection.execute(after).scalars().all()
    assert stored == [*values, None]
    assert all(value.tzinfo is UTC for value in stored if value is not None)
    assert later == [values[1]]


def test_naive_values_are_refused_before_reaching_the_database(
    engine: Engine, stamps: Table
) -> None:
    with engine.begin() as connection, pytest.raises(StatementError, match="naive"):
        connection.execute(insert(stamps).values(at=datetime(2026, 1, 5, 9, 0)))
