"""Recent announcements beside what happened move the range's and the promise's levels."""

from datetime import UTC, datetime, timedelta

from callback.calibration import GAIN, PRIOR, Levels, Seen, calibrate, would_promise
from callback.estimate import EstimateInputs, estimate_wait

NOW = datetime(2026, 3, 2, 10, 0, 10, tzinfo=UTC)


def _seen(actual: float, count: int, promise: float | None = 600.0) -> list[Seen]:
    return [Seen(wait=100.0, low=50.0, high=200.0, promise=promise, actual=actual)] * count


def test_nothing_judged_keeps_the_models_own_levels() -> None:
    assert calibrate([]) == Levels(0.1, 0.9, 0.9)
    # A free agent's "no wait" is a point: it says nothing of the range.
    assert calibrate([Seen(0.0, 0.0, 0.0, None, 30.0)] * 500).high == 0.9


def test_waits_above_the_range_raise_its_high_and_below_lower_its_low() -> None:
    mixed = _seen(100.0, 780) + _seen(300.0, 120) + _seen(10.0, 100)
    levels = calibrate(mixed)
    above = (120 + PRIOR * 0.1) / (1000 + PRIOR)
    assert abs(levels.high - (0.9 + GAIN * (above - 0.1))) < 1e-12
    assert levels.high > 0.9 and levels.low == 0.1  # 10% below: on target


def test_a_range_that_always_holds_is_narrowed() -> None:
    levels = calibrate(_seen(100.0, 1000))
    assert levels.low > 0.1 and levels.high < 0.9


def test_broken_promises_raise_the_promises_level() -> None:
    kept = calibrate(_seen(100.0, 1000))
    broken = calibrate(_seen(100.0, 900) + _seen(700.0, 100))
    assert broken.promise > 0.9 > kept.promise


def test_callers_told_no_clock_time_have_the_promise_follow_the_high() -> None:
    levels = calibrate(_seen(100.0, 1000, promise=1000.0), told=False)
    # No promise broken: the promise sits just under the range's high, moved by the gap.
    assert levels.promise < levels.high


def test_the_promise_a_high_would_make_is_rounded_up_to_the_minute() -> None:
    assert would_promise(NOW, 50.0) == 50.0  # 10:00:10 + 50 s = 10:01:00 exactly
    assert would_promise(NOW, 51.0) == 110.0


def test_the_levels_widen_the_range_and_move_the_promise() -> None:
    base = EstimateInputs(8, NOW, 4, timedelta(minutes=5), None)
    plain = estimate_wait(base)
    wide = estimate_wait(
        EstimateInputs(8, NOW, 4, timedelta(minutes=5), None, quantiles=Levels(0.05, 0.95, 0.99))
    )
    assert wide.wait == plain.wait
    assert wide.low < plain.low and wide.high > plain.high and wide.by > plain.by
    same = estimate_wait(EstimateInputs(8, NOW, 4, timedelta(minutes=5), None, quantiles=Levels()))
    assert abs((same.high - plain.high).total_seconds()) < 1e-6


def test_a_callbacks_levels_apply_to_its_humps() -> None:
    retry = (0.2, timedelta(seconds=330))
    base = EstimateInputs(8, NOW, 4, timedelta(minutes=5), None, retry=retry)
    plain = estimate_wait(base)
    late = EstimateInputs(
        8, NOW, 4, timedelta(minutes=5), None, retry=retry, quantiles=Levels(0.1, 0.7, 0.95)
    )
    moved = estimate_wait(late)
    assert moved.high < plain.high < moved.by - NOW


def test_a_clear_bias_moves_the_wait_and_noise_does_not() -> None:
    # Told 100 s, waited 130 s on average (100 to 160): a clear bias of +30 s.
    late = [Seen(100.0, 50.0, 200.0, None, 100.0 + 20 * (n % 4)) for n in range(400)]
    assert calibrate(late).shift > 0
    # Errors of -20 and +20 s in turn: no bias, no shift; too few judged: none either.
    steady = [Seen(100.0, 50.0, 200.0, None, 100.0 + (20 if n % 2 else -20)) for n in range(400)]
    assert calibrate(steady).shift == 0.0
    assert calibrate(late[:10]).shift == 0.0


def test_the_shift_moves_the_wait_never_below_none() -> None:
    plain = estimate_wait(EstimateInputs(8, NOW, 4, timedelta(minutes=5), None))
    later = EstimateInputs(8, NOW, 4, timedelta(minutes=5), None, quantiles=Levels(shift=30.0))
    moved = estimate_wait(later)
    assert moved.wait == plain.wait + timedelta(seconds=30)
    assert (moved.low, moved.high, moved.by) == (plain.low, plain.high, plain.by)
    sooner = Levels(shift=-1e6)
    none = estimate_wait(EstimateInputs(8, NOW, 4, timedelta(minutes=5), None, quantiles=sooner))
    assert none.wait == timedelta(0)
