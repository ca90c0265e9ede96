"""Staffing maths: Erlang B, Erlang C and Erlang A (M/M/n+M) in plain floats.

Traffic is offered load in Erlangs (arrival rate x mean handle time), agents a count.
Times are seconds. Nothing here reads the clock or does I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

_RESCALE = 1e200
"""Erlang A weights are divided by this whenever they grow past it (overload, long patience)."""
_TAIL_EPSILON = 1e-17
_MAX_QUEUE_PEAK = 1_000_000
"""Most likely queue length (A - n)/theta beyond which summing state by state is refused."""


def _check_traffic(traffic: float) -> None:
    if not math.isfinite(traffic) or traffic < 0:
        raise ValueError(f"traffic must be a finite number >= 0 Erlangs, got {traffic!r}")


def _check_agents(agents: int) -> None:
    if agents < 1:
        raise ValueError(f"agents must be >= 1, got {agents!r}")


def _check_positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def _check_share(name: str, share: float) -> None:
    if not 0.0 < share < 1.0:
        raise ValueError(f"{name} must be in (0, 1), got {share!r}")


def _check_target(target_s: float) -> None:
    if not math.isfinite(target_s) or target_s < 0:
        raise ValueError(f"target_s must be a finite number >= 0 seconds, got {target_s!r}")


def _erlang_b(traffic: float, agents: int) -> float:
    # B(A, k) = A*B(A, k-1) / (k + A*B(A, k-1)): every step stays in (0, 1], no factorials.
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def _erlang_c_from_b(traffic: float, agents: int, blocking: float) -> float:
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_b(traffic: float, agents: int) -> float:
    """Probability that a call finds all `agents` busy in a loss system (Erlang B)."""
    _check_traffic(traffic)
    _check_agents(agents)
    return _erlang_b(traffic, agents)


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call has to wait (Erlang C); 1.0 when agents <= traffic."""
    _check_traffic(traffic)
    _check_agents(agents)
    if agents <= traffic:
        return 1.0
    return _erlang_c_from_b(traffic, agents, _erlang_b(traffic, agents))


def service_level(traffic: float, agents: int, handle_time_s: float, target_s: float) -> float:
    """Fraction of calls answered within `target_s` (Erlang C); 0.0 when agents <= traffic."""
    _check_positive("handle_time_s", handle_time_s)
    _check_target(target_s)
    waiting = erlang_c(traffic, agents)
    if agents <= traffic:
        # The queue grows without bound: in the long run nobody is answered within a target.
        return 0.0
    return 1.0 - waiting * math.exp(-(agents - traffic) * target_s / handle_time_s)


def average_speed_of_answer(traffic: float, agents: int, handle_time_s: float) -> float:
    """Mean wait in seconds over all calls (Erlang C); infinite when agents <= traffic."""
    _check_positive("handle_time_s", handle_time_s)
    waiting = erlang_c(traffic, agents)
    if agents <= traffic:
        return math.inf
    return waiting * handle_time_s / (agents - traffic)


def agents_needed(
    traffic: float, handle_time_s: float, target_s: float, service_level_goal: float
) -> int:
    """Fewest agents whose Erlang C service level reaches the goal; 0 for no traffic."""
    _check_traffic(traffic)
    _check_positive("handle_time_s", handle_time_s)
    _check_target(target_s)
    _check_share("service_level_goal", service_level_goal)
    if traffic == 0:
        return 0
    agents = math.floor(traffic) + 1
    blocking = _erlang_b(traffic, agents)
    while True:
        waiting = _erlang_c_from_b(traffic, agents, blocking)
        reached = 1.0 - waiting * math.exp(-(agents - traffic) * target_s / handle_time_s)
        if reached >= service_level_goal:
            return agents
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)


@dataclass(frozen=True, slots=True)
class ErlangAResult:
    """Steady-state figures of an M/M/n+M queue (Erlang A), all over every arriving call."""

    wait_probability: float
    """Probability that a call finds every agent busy and has to queue."""
    abandon_probability: float
    """Probability that a call hangs up before it is answered."""
    service_level: float
    """Fraction of all calls answered within the target (abandoned calls count as missed)."""
    mean_wait_s: float
    """Mean time in queue over all calls; an abandoning call counts until it hangs up."""
    mean_wait_served_s: float
    """Mean time in queue of the calls that are answered."""


@dataclass(slots=True)
class _QueueSums:
    """Sums over queue states j (calls waiting on arrival), each weighted by pi(n+j)/pi(n)."""

    weight: float = 0.0
    served: float = 0.0
    served_in_target: float = 0.0
    wait: float = 0.0
    wait_served: float = 0.0
    scale_steps: int = 0

    def rescale(self) -> None:
        """Divide every sum by _RESCALE and count the step, before the weights overflow."""
        self.weight /= _RESCALE
        self.served /= _RESCALE
        self.served_in_target /= _RESCALE
        self.wait /= _RESCALE
        self.wait_served /= _RESCALE
        self.scale_steps += 1


def _queue_sums(traffic: float, agents: int, decay: float, target: float) -> _QueueSums:
    """Exact birth-death sums of the waiting states, in handle-time units (mu = 1, theta = decay).

    A call arriving with j waiting passes j+1 exponential stages of rate n + i*theta
    (i = 0..j) while its own patience runs at rate theta. Its offered wait V therefore
    satisfies exp(-theta*V) ~ Beta(n/theta, j+1) (the product of the stage transforms is
    that Beta's Mellin transform), which gives P(answered) = n/(n+(j+1)theta), the mean
    wait by stages, and P(answered within t) = P(answered) * (1 - I_u(n/theta + 1, j+1))
    with u = exp(-theta*t); for integer j+1 the incomplete Beta is a finite negative
    binomial sum, accumulated here term by term in logs. Every sum is updated in O(1)
    per state, and the loop stops once the geometric tail bound is negligible: the
    state weights are pi(n+j)/pi(n) = prod_i A/(n + i*theta), whose ratios only fall.
    Chosen over the closed forms in incomplete gamma functions (Palm; Mandelbaum and
    Zeltyn) because it needs only exp and log, is exact up to a truncation error far
    below double precision, and costs O(queue states), which is small unless patience
    is much longer than handle time in an overloaded queue (refused by erlang_a).
    """
    sums = _QueueSums()
    shape = agents / decay
    log_one_minus_u = -math.inf if target == 0 else math.log(-math.expm1(-decay * target))
    log_term = -(agents + decay) * target
    in_target_cdf = 0.0
    stage_time = 0.0
    weight = 1.0
    for j in range(4 * _MAX_QUEUE_PEAK):
        served_share = agents / (agents + (j + 1) * decay)
        stage_time += 1.0 / (agents + (j + 1) * decay)
        if j > 0:
            log_term += math.log((shape + j) / j) + log_one_minus_u
        in_target_cdf += math.exp(log_term)
        sums.weight += weight
        sums.served += weight * served_share
        sums.served_in_target += weight * served_share * max(0.0, 1.0 - in_target_cdf)
        sums.wait += weight * (j + 1) / (agents + (j + 1) * decay)
        sums.wait_served += weight * served_share * stage_time
        ratio = traffic / (agents + (j + 1) * decay)
        weight *= ratio
        if ratio < 1.0 and weight / (1.0 - ratio) <= _TAIL_EPSILON * sums.weight:
            return sums
        if weight > _RESCALE:
            weight /= _RESCALE
            sums.rescale()
    raise ValueError("patience_s is too long for this overloaded queue to sum; shorten it")


def _inverse_erlang_b(traffic: float, agents: int) -> float:
    # 1/B(A, k) = 1 + (k/A) / B(A, k-1): exact where B itself would underflow to zero.
    inverse = 1.0
    for k in range(1, agents + 1):
        inverse = 1.0 + inverse * k / traffic
    return inverse


def _check_erlang_a(
    traffic: float, agents: int, handle_time_s: float, patience_s: float, target_s: float
) -> None:
    _check_traffic(traffic)
    _check_agents(agents)
    _check_positive("handle_time_s", handle_time_s)
    _check_positive("patience_s", patience_s)
    _check_target(target_s)


def erlang_a(
    traffic: float, agents: int, handle_time_s: float, patience_s: float, target_s: float
) -> ErlangAResult:
    """Erlang A: Erlang C with exponential patience of mean `patience_s`; always stable."""
    _check_erlang_a(traffic, agents, handle_time_s, patience_s, target_s)
    if traffic == 0:
        return ErlangAResult(0.0, 0.0, 1.0, 0.0, 0.0)
    # States below n weigh sum_{k<n} pi(k)/pi(n) = 1/B(A, n) - 1 against pi(n).
    inverse_blocking = _inverse_erlang_b(traffic, agents)
    if math.isinf(inverse_blocking):
        # pi(n) is below a float's range: nobody ever waits, to double precision.
        return ErlangAResult(0.0, 0.0, 1.0, 0.0, 0.0)
    decay = handle_time_s / patience_s
    if (traffic - agents) / decay > _MAX_QUEUE_PEAK:
        raise ValueError("patience_s is too long for this overloaded queue to sum; shorten it")
    sums = _queue_sums(traffic, agents, decay, target_s / handle_time_s)
    below = (inverse_blocking - 1.0) * _RESCALE**-sums.scale_steps
    total = below + sums.weight
    return ErlangAResult(
        wait_probability=sums.weight / total,
        abandon_probability=decay * sums.wait / total,
        service_level=(below + sums.served_in_target) / total,
        mean_wait_s=sums.wait / total * handle_time_s,
        mean_wait_served_s=sums.wait_served / (below + sums.served) * handle_time_s,
    )


def erlang_a_or_fluid(
    traffic: float, agents: int, handle_time_s: float, patience_s: float, target_s: float
) -> ErlangAResult:
    """`erlang_a`, or its fluid limit where the queue is too long to sum (deep overload).

    There the agents serve n/A of the calls, each after about patience * ln(A/n), nobody
    within a target of seconds, and the rest give up.
    """
    _check_erlang_a(traffic, agents, handle_time_s, patience_s, target_s)
    if (traffic - agents) * patience_s / handle_time_s <= _MAX_QUEUE_PEAK:
        return erlang_a(traffic, agents, handle_time_s, patience_s, target_s)
    lost = 1.0 - agents / traffic
    served_wait = patience_s * math.log(traffic / agents)
    return ErlangAResult(1.0, lost, 0.0, lost * patience_s, served_wait)


def _fewest_agents_a(
    traffic: float,
    handle_time_s: float,
    patience_s: float,
    target_s: float,
    start: int,
    meets: Callable[[ErlangAResult], bool],
) -> int:
    """The fewest agents from `start` up whose Erlang A figures `meets` accepts."""
    _check_erlang_a(traffic, 1, handle_time_s, patience_s, target_s)
    if traffic == 0:
        return 0
    agents = max(1, start)
    while not meets(erlang_a_or_fluid(traffic, agents, handle_time_s, patience_s, target_s)):
        agents += 1
    return agents


def agents_for_service_level_a(
    traffic: float, handle_time_s: float, patience_s: float, target_s: float, goal: float
) -> int:
    """Fewest agents whose Erlang A service level (abandoned calls missed) reaches `goal`."""
    _check_share("goal", goal)
    # Agents answer at most n/A of the calls: fewer than goal*A agents cannot reach it.
    start = math.floor(goal * traffic)
    return _fewest_agents_a(
        traffic, handle_time_s, patience_s, target_s, start, lambda r: r.service_level >= goal
    )


def agents_for_abandonment_a(
    traffic: float, handle_time_s: float, patience_s: float, goal: float
) -> int:
    """Fewest agents whose Erlang A abandonment is at most `goal` (a share of all calls)."""
    _check_share("goal", goal)
    # At least 1 - n/A of the calls abandon: fewer than (1-goal)*A agents lose too many.
    start = math.floor((1.0 - goal) * traffic)
    return _fewest_agents_a(
        traffic, handle_time_s, patience_s, 0.0, start, lambda r: r.abandon_probability <= goal
    )
