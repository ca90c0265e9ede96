"""The bulk dial rate, the throughput figure of the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chaos.throughput import bulk_rate

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _at(*seconds: float) -> list[datetime]:
    return [T0 + timedelta(seconds=s) for s in seconds]


def test_the_slow_last_tenth_is_left_out() -> None:
    # Nine dials a second apart, then one retried after a 40 s lease sweep.
    times = _at(0, 1, 2, 3, 4, 5, 6, 7, 8, 48)
    assert bulk_rate(times) == 8 / 8


def test_order_does_not_matter() -> None:
    assert bulk_rate(_at(4, 0, 2, 1, 3)) == bulk_rate(_at(0, 1, 2, 3, 4)) == 4 / 4


def test_too_few_dials_or_no_time_between_them_give_nothing() -> None:
    assert bulk_rate([]) == 0.0
    assert bulk_rate(_at(3)) == 0.0
    assert bulk_rate(_at(5, 5, 5)) == 0.0
