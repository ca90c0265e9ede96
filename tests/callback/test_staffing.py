"""Erlang B, C and A against published figures and independent brute-force computations."""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callback.staffing import (
    agents_for_abandonment_a,
    agents_for_service_level_a,
    agents_needed,
    average_speed_of_answer,
    erlang_a,
    erlang_a_or_fluid,
    erlang_b,
    erlang_c,
    service_level,
)

# --- Erlang C: the widely published worked example --------------------------------------
# 100 calls per 30 minutes, 180 s mean handle time (A = 100 * 180 / 1800 = 10 Erlangs),
# target answer time 20 s, 80% goal. Published figures for 14 agents: probability of
# waiting 17.41%, service level 88.84% (Call Centre Helper, "Erlang C Formula - Made
# Simple With an Easy Worked Example", callcentrehelper.com).
EXAMPLE_TRAFFIC = 100 * 180 / 1800


def test_erlang_c_published_waiting_probability() -> None:
    assert erlang_c(EXAMPLE_TRAFFIC, 14) == pytest.approx(0.1741, abs=5e-5)


def test_erlang_c_published_service_level() -> None:
    assert service_level(EXAMPLE_TRAFFIC, 14, 180, 20) == pytest.approx(0.8884, abs=5e-5)


def test_average_speed_of_answer_follows_from_the_published_waiting_probability() -> None:
    # ASA = Pw * AHT / (N - A) with the published Pw = 0.1741: 0.1741 * 180 / 4 = 7.83 s.
    assert average_speed_of_answer(EXAMPLE_TRAFFIC, 14, 180) == pytest.approx(7.83, abs=0.01)


def test_agents_needed_for_80_in_20_is_14() -> None:
    assert agents_needed(EXAMPLE_TRAFFIC, 180, 20, 0.80) == 14
    assert service_level(EXAMPLE_TRAFFIC, 13, 180, 20) < 0.80


def test_agents_needed_reaches_a_strict_goal_and_no_fewer_would() -> None:
    needed = agents_needed(EXAMPLE_TRAFFIC, 180, 20, 0.95)
    assert service_level(EXAMPLE_TRAFFIC, needed, 180, 20) >= 0.95
    assert service_level(EXAMPLE_TRAFFIC, needed - 1, 180, 20) < 0.95


def test_agents_needed_for_no_traffic_is_zero() -> None:
    assert agents_needed(0.0, 180, 20, 0.8) == 0


def test_erlang_c_is_certain_waiting_when_agents_do_not_exceed_traffic() -> None:
    assert erlang_c(10.0, 10) == 1.0
    assert erlang_c(12.5, 10) == 1.0
    assert service_level(10.0, 10, 180, 20) == 0.0
    assert average_speed_of_answer(10.0, 9, 180) == math.inf


def test_erlang_c_with_no_traffic_never_waits() -> None:
    assert erlang_c(0.0, 3) == 0.0
    assert service_level(0.0, 3, 180, 0) == 1.0


# --- Erlang B: table values -------------------------------------------------------------
# Standard Erlang B table (e.g. the ITU-T teletraffic handbook's table, reproduced by every
# telephony traffic text): at 1% blocking, 5 circuits carry 1.361 E, 10 carry 4.461 E,
# 20 carry 12.031 E; 10 E offered to 10 circuits blocks 21.46%.
@pytest.mark.parametrize(
    ("traffic", "agents", "blocking", "tolerance"),
    [
        (10.0, 10, 0.2146, 5e-5),
        (1.361, 5, 0.01, 1e-4),
        (4.461, 10, 0.01, 1e-4),
        (12.031, 20, 0.01, 1e-4),
    ],
)
def test_erlang_b_table_values(
    traffic: float, agents: int, blocking: float, tolerance: float
) -> None:
    assert erlang_b(traffic, agents) == pytest.approx(blocking, abs=tolerance)


def test_erlang_b_small_cases_by_hand() -> None:
    # B(A, n) = (A^n / n!) / sum_k A^k / k!: B(1, 1) = 1/2, B(2, 2) = 2 / (1 + 2 + 2).
    assert erlang_b(1.0, 1) == pytest.approx(0.5)
    assert erlang_b(2.0, 2) == pytest.approx(0.4)


def test_erlang_b_is_stable_where_factorials_would_overflow() -> None:
    # 1100! overflows a float; the recurrence never forms it.
    blocking = erlang_b(1000.0, 1100)
    assert 0.0 < blocking < 1e-3
    assert erlang_b(1e-3, 400) == 0.0


# --- input validation -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: erlang_b(-1.0, 3), "traffic"),
        (lambda: erlang_b(math.nan, 3), "traffic"),
        (lambda: erlang_c(5.0, 0), "agents"),
        (lambda: service_level(5.0, 6, 0.0, 20), "handle_time_s"),
        (lambda: service_level(5.0, 6, 180, -1), "target_s"),
        (lambda: average_speed_of_answer(5.0, 6, -3), "handle_time_s"),
        (lambda: agents_needed(5.0, 180, 20, 1.0), "service_level_goal"),
        (lambda: agents_needed(5.0, 180, 20, 0.0), "service_level_goal"),
        (lambda: erlang_a(5.0, 6, 180, 0.0, 20), "patience_s"),
        (lambda: erlang_a(5.0, 6, 180, math.inf, 20), "patience_s"),
        (lambda: erlang_a(5.0, -1, 180, 60, 20), "agents"),
        (lambda: agents_for_service_level_a(5.0, 180, 60, 20, 1.0), "goal"),
        (lambda: agents_for_abandonment_a(5.0, 180, 60, 0.0), "goal"),
        (lambda: agents_for_abandonment_a(5.0, 180, -1.0, 0.05), "patience_s"),
    ],
)
def test_invalid_inputs_name_the_argument(call: Callable[[], object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


# --- Erlang A: limits and closed special cases ------------------------------------------
def test_erlang_a_converges_to_erlang_c_as_patience_grows() -> None:
    result = erlang_a(EXAMPLE_TRAFFIC, 14, 180, 1e9, 20)
    assert result.wait_probability == pytest.approx(erlang_c(EXAMPLE_TRAFFIC, 14), rel=1e-6)
    assert result.service_level == pytest.approx(service_level(EXAMPLE_TRAFFIC, 14, 180, 20))
    asa = average_speed_of_answer(EXAMPLE_TRAFFIC, 14, 180)
    assert result.mean_wait_s == pytest.approx(asa, rel=1e-5)
    assert result.mean_wait_served_s == pytest.approx(asa, rel=1e-5)
    assert result.abandon_probability < 1e-7


def test_erlang_a_with_patience_equal_to_handle_time_is_a_poisson_count() -> None:
    # With theta = mu every call in the system leaves at rate mu whether served or waiting,
    # so the number present is Poisson(A) (the M/M/infinity count): independent of n.
    traffic, agents = 10.0, 14
    pmf = [math.exp(-traffic)]
    for k in range(1, 200):
        pmf.append(pmf[-1] * traffic / k)
    waiting = sum(pmf[agents:])
    queued = sum((k - agents) * p for k, p in enumerate(pmf) if k > agents)
    result = erlang_a(traffic, agents, 180, 180, 20)
    assert result.wait_probability == pytest.approx(waiting, rel=1e-9)
    # Abandonment rate theta * E[queue] over arrival rate lambda = E[queue] / A here.
    assert result.abandon_probability == pytest.approx(queued / traffic, rel=1e-9)
    assert result.mean_wait_s == pytest.approx(queued / traffic * 180, rel=1e-9)


def test_erlang_a_stays_finite_and_sane_when_overloaded() -> None:
    # 100 E offered to 50 agents: in steady state exactly the excess abandons.
    result = erlang_a(100.0, 50, 180, 600, 20)
    assert result.wait_probability == pytest.approx(1.0, abs=1e-9)
    assert result.abandon_probability == pytest.approx(0.5, rel=1e-6)
    assert 0.0 <= result.service_level < 0.01


def test_erlang_a_rescales_weights_that_would_overflow() -> None:
    # The most likely queue is (1000 - 500) / (180 / 6000) = 16,667 calls, and its weight
    # relative to "all agents just busy" is about e^5100: far past a float's range.
    result = erlang_a(1000.0, 500, 180, 6000, 20)
    assert result.abandon_probability == pytest.approx(0.5, rel=1e-6)
    # Fluid limit: the queue drains at n*mu + theta*Q from Q = (lambda - n*mu)/theta, so an
    # answered call waits about ln(lambda / (n*mu)) / theta = 6000 * ln 2 seconds.
    assert result.mean_wait_served_s == pytest.approx(6000 * math.log(2), rel=0.01)


def test_erlang_a_refuses_a_queue_too_long_to_sum() -> None:
    with pytest.raises(ValueError, match="patience_s"):
        erlang_a(100.0, 50, 180, 1e9, 20)


def test_erlang_a_with_no_traffic_never_waits() -> None:
    result = erlang_a(0.0, 3, 180, 60, 20)
    assert (result.wait_probability, result.service_level) == (0.0, 1.0)


def test_erlang_a_with_far_more_agents_than_traffic_never_waits() -> None:
    # pi(n) / pi(0) = 1 / 400! here: below a float's range, so the lower states are all.
    result = erlang_a(1.0, 400, 180, 60, 20)
    assert (result.wait_probability, result.service_level) == (0.0, 1.0)


def test_erlang_a_target_zero_counts_only_calls_answered_at_once() -> None:
    result = erlang_a(8.0, 10, 180, 120, 0)
    assert result.service_level == pytest.approx(1.0 - result.wait_probability)


# --- Erlang A against a brute-force birth-death chain, written separately ---------------
# Everything below is computed directly from the Markov chain (truncated state space,
# first-step analysis and uniformization), deliberately sharing no code or formula with
# callback.staffing's Beta/negative-binomial route.
def _brute_force(
    traffic: float, agents: int, handle: float, patience: float, target: float
) -> dict[str, float]:
    lam, mu, theta = traffic / handle, 1.0 / handle, 1.0 / patience
    cap = agents + 400
    weights = [1.0]
    for k in range(1, cap):
        deaths = min(k, agents) * mu + max(0, k - agents) * theta
        weights.append(weights[-1] * lam / deaths)
    total = sum(weights)
    pi = [w / total for w in weights]
    queue = sum((k - agents) * p for k, p in enumerate(pi) if k > agents)
    served_within = sum(pi[:agents])
    served = sum(pi[:agents])
    wait_served = 0.0
    for j, p in enumerate(pi[agents:]):
        if p < 1e-18:
            break
        answer, answer_time = _tagged_first_step(j, agents * mu, theta)
        served += p * answer
        wait_served += p * answer_time
        served_within += p * _tagged_uniformized(j, agents * mu, theta, target)
    return {
        "wait": sum(pi[agents:]),
        "abandon": theta * queue / lam,
        "mean_wait": queue / lam,
        "mean_wait_served": wait_served / served,
        "service_level": served_within,
    }


def _tagged_first_step(ahead: int, service: float, theta: float) -> tuple[float, float]:
    """P(answered) and E[wait; answered] for a call with `ahead` waiting, by first steps."""
    answer, answer_time = 1.0, 0.0
    for i in range(ahead + 1):
        move = service + i * theta
        leave = move + theta
        answer = move / leave * answer
        answer_time = answer / leave + move / leave * answer_time
    return answer, answer_time


def _tagged_uniformized(ahead: int, service: float, theta: float, target: float) -> float:
    """P(answered within `target`) for a call with `ahead` waiting, by uniformization."""
    uniform = service + ahead * theta + theta
    mass = [0.0] * ahead + [1.0]  # mass[i]: still waiting with i ahead
    answered, poisson = 0.0, math.exp(-uniform * target)
    result = poisson * answered
    step, cumulative = 0, poisson
    while cumulative < 1.0 - 1e-14:
        moved = [mass[i] * (service + i * theta) / uniform for i in range(ahead + 1)]
        answered += moved[0]
        stay = [mass[i] * (1.0 - (service + i * theta + theta) / uniform) for i in range(ahead + 1)]
        mass = [stay[i] + (moved[i + 1] if i < ahead else 0.0) for i in range(ahead + 1)]
        step += 1
        poisson *= uniform * target / step
        cumulative += poisson
        result += poisson * answered
    return result


@pytest.mark.parametrize(
    ("traffic", "agents", "handle", "patience", "target"),
    [
        (10.0, 14, 180.0, 300.0, 20.0),
        (10.0, 11, 180.0, 90.0, 30.0),
        (20.0, 14, 180.0, 300.0, 20.0),
        (3.0, 2, 240.0, 60.0, 15.0),
    ],
)
def test_erlang_a_matches_brute_force_chain(
    traffic: float, agents: int, handle: float, patience: float, target: float
) -> None:
    expected = _brute_force(traffic, agents, handle, patience, target)
    result = erlang_a(traffic, agents, handle, patience, target)
    assert result.wait_probability == pytest.approx(expected["wait"], rel=1e-9)
    assert result.abandon_probability == pytest.approx(expected["abandon"], rel=1e-9)
    assert result.mean_wait_s == pytest.approx(expected["mean_wait"], rel=1e-9)
    assert result.mean_wait_served_s == pytest.approx(expected["mean_wait_served"], rel=1e-9)
    assert result.service_level == pytest.approx(expected["service_level"], rel=1e-9)


# --- properties -------------------------------------------------------------------------
traffic_values = st.floats(min_value=0.0, max_value=60.0, allow_nan=False)
agent_counts = st.integers(min_value=1, max_value=80)


@given(traffic=traffic_values, agents=agent_counts)
def test_erlang_b_and_c_are_probabilities_falling_with_agents(traffic: float, agents: int) -> None:
    b, b_more = erlang_b(traffic, agents), erlang_b(traffic, agents + 1)
    c, c_more = erlang_c(traffic, agents), erlang_c(traffic, agents + 1)
    assert 0.0 <= b_more <= b <= 1.0
    assert 0.0 <= c_more <= c <= 1.0
    assert b <= c


@given(
    traffic=traffic_values,
    agents=agent_counts,
    target=st.floats(min_value=0.0, max_value=600.0),
)
def test_service_level_is_a_probability_rising_with_agents(
    traffic: float, agents: int, target: float
) -> None:
    level = service_level(traffic, agents, 180.0, target)
    assert 0.0 <= level <= service_level(traffic, agents + 1, 180.0, target) <= 1.0


@given(
    traffic=st.floats(min_value=0.0, max_value=40.0),
    agents=st.integers(min_value=1, max_value=50),
    patience=st.floats(min_value=30.0, max_value=3600.0),
    target=st.floats(min_value=0.0, max_value=300.0),
)
def test_erlang_a_figures_are_probabilities_improving_with_agents(
    traffic: float, agents: int, patience: float, target: float
) -> None:
    now, more = (erlang_a(traffic, n, 180.0, patience, target) for n in (agents, agents + 1))
    for result in (now, more):
        for p in (result.wait_probability, result.abandon_probability, result.service_level):
            assert -1e-12 <= p <= 1.0 + 1e-12
        assert result.mean_wait_served_s >= 0.0
        assert result.mean_wait_s >= 0.0
    assert more.wait_probability <= now.wait_probability + 1e-12
    assert more.abandon_probability <= now.abandon_probability + 1e-12
    assert more.service_level >= now.service_level - 1e-12


# --- Erlang A against Palm's closed form, in 50-digit arithmetic ------------------------
# Mandelbaum and Zeltyn, "The Palm/Erlang-A Queue, with Applications to Call Centers"
# (2005), sections 4.4-4.5: with A(x, y) = x e^y y^-x gamma(x, y) (lower incomplete gamma),
# E = Erlang B(n, lambda/mu) and rho = lambda/(n mu),
#   P{W > 0} = A(n mu/theta, lambda/theta) E / (1 + (A(n mu/theta, lambda/theta) - 1) E),
#   P{Ab} = P{W > 0} (1/(rho A(n mu/theta, lambda/theta)) + 1 - 1/rho),  E[W] = P{Ab}/theta.
# mpmath evaluates the incomplete gamma function independently of our state-by-state sums.
def _palm(
    traffic: float, agents: int, handle: float, patience: float
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    with mpmath.workdps(50):
        lam, mu, theta = (
            mpmath.mpf(traffic) / handle,
            1 / mpmath.mpf(handle),
            1 / mpmath.mpf(patience),
        )
        x, y = agents * mu / theta, lam / theta
        big_a = x * mpmath.exp(y) / y**x * mpmath.gammainc(x, 0, y)
        blocking = mpmath.mpf(1)
        for k in range(1, agents + 1):
            blocking = traffic * blocking / (k + traffic * blocking)
        rho = lam / (agents * mu)
        wait = big_a * blocking / (1 + (big_a - 1) * blocking)
        abandon = wait * (1 / (rho * big_a) + 1 - 1 / rho)
        return wait, abandon, abandon / theta


@pytest.mark.parametrize(
    ("traffic", "agents", "handle", "patience"),
    [
        (10.0, 14, 180.0, 300.0),
        (20.0, 14, 180.0, 300.0),
        (3.0, 2, 240.0, 60.0),
        (48.0, 50, 300.0, 90.0),
    ],
)
def test_erlang_a_matches_palms_closed_form(
    traffic: float, agents: int, handle: float, patience: float
) -> None:
    wait, abandon, mean_wait = _palm(traffic, agents, handle, patience)
    result = erlang_a(traffic, agents, handle, patience, 20.0)
    assert result.wait_probability == pytest.approx(float(wait), rel=1e-12)
    assert result.abandon_probability == pytest.approx(float(abandon), rel=1e-12)
    assert result.mean_wait_s == pytest.approx(float(mean_wait), rel=1e-12)


# --- the fewest agents for a goal under Erlang A ------------------------------------------
def test_agents_for_service_level_a_with_endless_patience_is_the_published_erlang_c_figure() -> (
    None
):
    # Nobody gives up in a billion seconds: Erlang C's 14 agents for 80% in 20 s (above).
    assert agents_for_service_level_a(EXAMPLE_TRAFFIC, 180, 1e9, 20, 0.80) == 14


def test_agents_for_service_level_a_is_the_first_count_that_reaches_the_goal() -> None:
    needed = agents_for_service_level_a(10.0, 180, 300, 20, 0.80)
    # Brute-force chain (written apart, above): 12 agents miss 80% in 20 s, 13 reach it.
    assert _brute_force(10.0, needed - 1, 180, 300, 20)["service_level"] < 0.80
    assert _brute_force(10.0, needed, 180, 300, 20)["service_level"] >= 0.80
    assert needed == 13
    # Callers who give up shorten the line for the rest: one agent fewer than Erlang C.
    assert needed < agents_needed(10.0, 180, 20, 0.80)


def test_agents_for_abandonment_a_when_patience_equals_handle_time() -> None:
    # With patience = handle time the number present is Poisson(A), so the share giving up
    # is E[(N - n)+] / A: for A = 4, n = 5 loses 10.3% and n = 6 loses 4.9% (by hand below).
    def lost(agents: int) -> float:
        pmf = [math.exp(-4.0) * 4.0**k / math.factorial(k) for k in range(80)]
        return sum((k - agents) * p for k, p in enumerate(pmf) if k > agents) / 4.0

    assert lost(5) == pytest.approx(0.1026, abs=1e-4)
    assert lost(6) == pytest.approx(0.0489, abs=1e-4)
    assert agents_for_abandonment_a(4.0, 240, 240, 0.05) == 6


def test_agents_for_a_goal_with_no_traffic_is_zero() -> None:
    assert agents_for_service_level_a(0.0, 180, 300, 20, 0.8) == 0
    assert agents_for_abandonment_a(0.0, 180, 300, 0.05) == 0


def test_a_queue_too_long_to_sum_is_judged_by_its_fluid_limit() -> None:
    # 100 E on 50 agents with patience 10^5 handle times: 5 million waiting, never summed.
    fluid = erlang_a_or_fluid(100.0, 50, 1.0, 1e5, 20.0)
    assert (fluid.wait_probability, fluid.service_level) == (1.0, 0.0)
    assert fluid.abandon_probability == pytest.approx(0.5)
    assert fluid.mean_wait_s == pytest.approx(0.5 * 1e5)
    assert fluid.mean_wait_served_s == pytest.approx(1e5 * math.log(2))
    # Half may give up: the fluid limit says 50 agents do it, where summing would refuse.
    assert agents_for_abandonment_a(100.0, 1.0, 1e5, 0.5) == 50
    summed = erlang_a_or_fluid(10.0, 14, 180, 300, 20)
    assert summed == erlang_a(10.0, 14, 180, 300, 20)
