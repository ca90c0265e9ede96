"""Dials per second in fixed windows, the throughput figure of the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chaos.throughput import window_rates

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_full_windows_are_counted_and_the_partial_last_one_is_left_out() -> None:
    times = [T0 + timedelta(seconds=s) for s in (0, 1, 2, 4.9, 5, 6, 10, 11.5)]

    assert window_rates(times, window_s=5.0) == [4 / 5, 2 / 5]


def test_order_does_not_matter_and_nothing_gives_nothing() -> None:
    times = [T0 + timedelta(seconds=s) for s in (7, 0, 3, 12)]

    assert window_rates(times, window_s=5.0) == [2 / 5, 1 / 5]
    assert window_rates([], window_s=5.0) == []
