"""The stand-in's fault draw: rates, delays, and only call creations held."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from chaos.faults import ERROR_STATUSES, NO_FAULTS, Faults, Outcome, draw


def outcomes(faults: Faults, n: int, *, creates_call: bool) -> Counter[Outcome]:
    rng = random.Random(4)
    return Counter(draw(faults, rng, creates_call=creates_call).outcome for _ in range(n))


def test_rates_are_close_to_the_configured_ones() -> None:
    seen = outcomes(Faults(), 20_000, creates_call=True)

    assert 0.04 < seen[Outcome.SERVER_ERROR] / 20_000 < 0.06
    assert 0.015 < seen[Outcome.HELD] / 20_000 < 0.025


def test_reads_are_never_held() -> None:
    seen = outcomes(Faults(hold_rate=0.5, error_rate=0.0), 1_000, creates_call=False)

    assert seen == Counter({Outcome.ANSWERED: 1_000})


def test_delays_stay_within_the_bounds_and_errors_are_5xx() -> None:
    rng = random.Random(1)
    draws = [draw(Faults(error_rate=0.5), rng, creates_call=True) for _ in range(2_000)]

    assert all(0.05 <= d.delay_s <= 0.5 for d in draws)
    assert {d.status for d in draws if d.outcome is Outcome.SERVER_ERROR} == set(ERROR_STATUSES)


def test_no_faults_answers_everything_at_once() -> None:
    fate = draw(NO_FAULTS, random.Random(0), creates_call=True)

    assert (fate.delay_s, fate.outcome) == (0.0, Outcome.ANSWERED)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_delay_s": 1.0, "max_delay_s": 0.5},
        {"error_rate": -0.1},
        {"error_rate": 0.7, "hold_rate": 0.4},
    ],
)
def test_impossible_faults_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Faults(**kwargs)
