"""The accuracy bench's quick mode runs the real forecast and reports finite figures."""

import math

from bench.estimate_accuracy import main


def test_quick_mode_reports_every_cell_with_finite_figures() -> None:
    rows = main(["--quick", "--json"])
    assert len(rows) == 10  # 3 team sizes x 3 loads, and the day
    stationary, day = rows[:9], rows[9]
    for row in rows:
        assert row.people > 100
        for value in (row.bias_s, row.rmse_s, row.in_range, row.promise_kept, row.median_early_min):
            assert math.isfinite(value)
        assert 0.0 <= row.in_range <= 1.0 and 0.0 <= row.promise_kept <= 1.0
    # The floor exists exactly where the exact law is known: the stationary cells.
    assert all(r.floor_s is not None and r.rmse_over_floor is not None for r in stationary)
    assert day.floor_s is None and day.rmse_over_floor is None
    # The exact predictor is judged on the same people: a paired ratio, where the floor is.
    assert all(r.exact_bias_s is not None and r.rmse_over_exact is not None for r in stationary)
    assert day.exact_bias_s is None and day.rmse_over_exact is None
    # Sanity: the real estimator is no wild guess where the floor applies.
    assert all(r.rmse_over_floor is not None and r.rmse_over_floor < 2 for r in stationary)
