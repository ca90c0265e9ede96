"""The accuracy figure from its tallies, against values worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from math import sqrt
from zoneinfo import ZoneInfo

import pytest

from callback.accuracy import Tally, accuracy, day_start


def test_bias_rmse_and_shares_from_the_sums() -> None:
    # Errors +30, -90 and +120 s: sum 60, squares 900 + 8100 + 14400 = 23400.
    tally = Tally(
        reached=3,
        gave_up=1,
        error_sum=60.0,
        error_squares=23400.0,
        ranged=2,
        inside=1,
        promised=4,
        kept=3,
    )
    figure = accuracy(tally)
    assert (figure.count, figure.gave_up) == (3, 1)
    assert figure.bias_s == pytest.approx(20.0)
    assert figure.rmse_s == pytest.approx(sqrt(7800.0))
    assert (figure.inside_range, figure.ranges_judged) == (0.5, 2)
    assert (figure.promises_kept, figure.promises_judged) == (0.75, 4)


def test_nothing_to_judge_gives_no_figure_but_the_counts() -> None:
    figure = accuracy(Tally(gave_up=2, promised=1))
    assert (figure.count, figure.gave_up, figure.promises_judged) == (0, 2, 1)
    assert (figure.bias_s, figure.rmse_s, figure.inside_range) == (None, None, None)
    assert figure.promises_kept == 0.0


def test_exact_waits_have_no_error() -> None:
    figure = accuracy(Tally(reached=2, error_squares=-1e-12))  # rounding, all errors zero
    assert (figure.bias_s, figure.rmse_s) == (0.0, 0.0)


def test_tallies_add_field_by_field() -> None:
    one = Tally(1, 2, 3.0, 4.0, 5, 6, 7, 8)
    other = Tally(10, 20, 30.0, 40.0, 50, 60, 70, 80)
    assert one.plus(other) == Tally(11, 22, 33.0, 44.0, 55, 66, 77, 88)
    assert Tally().plus(one) == one


@pytest.mark.parametrize(
    ("zone", "now", "start"),
    [
        # London in summer time: its day began at 23:00 UTC the evening before.
        ("Europe/London", datetime(2026, 7, 1, 0, 30, tzinfo=UTC), datetime(2026, 6, 30, 23, 0)),
        ("Europe/London", datetime(2026, 1, 5, 15, 0, tzinfo=UTC), datetime(2026, 1, 5, 0, 0)),
        # Auckland is 13 hours ahead in January: 15:00 UTC is already the next day there.
        ("Pacific/Auckland", datetime(2026, 1, 5, 15, 0, tzinfo=UTC), datetime(2026, 1, 5, 11, 0)),
    ],
)
def test_the_day_starts_at_the_queue_s_local_midnight(
    zone: str, now: datetime, start: datetime
) -> None:
    assert day_start(ZoneInfo(zone), now) == start.replace(tzinfo=UTC)
