"""The simulation agrees with Erlang A where Erlang A is exact: stationary M/M/n+M cells.

Every caller holds (no callbacks), talk and patience are exponential, no wrap-up: the
service level, the average speed of answer and the abandonment the simulated line shows
(after its first hour, which starts empty) must each hold Erlang A's figure within the
simulation's own 95% confidence interval, and that interval must be narrow enough to mean
something (`widest`, for the service level: an overloaded 50-agent line swings hour by hour,
so its interval is honestly wider than a 10-agent one at the same cost). Each cell is
one set of replications, read for all three figures.
"""

from __future__ import annotations

import pytest

from callback.simulate.compare import Setup, figures_of, replicate, span_cells
from callback.staffing import erlang_a
from tests.callback.simulate.cells import MONDAY, QUEUE, config, stationary

HANDLE, PATIENCE, TARGET = 300.0, 600.0, 60.0


@pytest.mark.parametrize(
    ("agents", "load", "hours", "replications", "widest"),
    [
        (10, 0.8, 12, 8, 0.08),
        (10, 1.1, 12, 8, 0.08),
        (50, 0.9, 7, 5, 0.1),
        (50, 1.1, 7, 5, 0.2),
        # 100 agents: about 1,000 callers an hour. A light line is near perfect, so its
        # interval is narrow only over long replications; an overloaded one swings hour by
        # hour. Six replications of twelve hours each (about 3 s and 6 s of CPU here).
        (100, 0.8, 12, 6, 0.01),
        (100, 1.1, 12, 6, 0.2),
    ],
)
def test_a_stationary_cell_agrees_with_erlang_a(
    agents: int, load: float, hours: int, replications: int, widest: float
) -> None:
    setup = Setup((stationary(agents, load, hours),), MONDAY, 1, 1, replications, 3600.0)
    runs = replicate(config(agents), QUEUE, setup)
    found = figures_of(span_cells(runs, 1, hours))
    exact = erlang_a(load * agents, agents, HANDLE, PATIENCE, TARGET)
    level, speed, lost = found["service_level"], found["asa_s"], found["abandonment"]
    assert abs(level.mean - exact.service_level) <= level.half
    assert abs(speed.mean - exact.mean_wait_served_s) <= speed.half
    assert abs(lost.mean - exact.abandon_probability) <= lost.half
    assert level.half < widest
    assert lost.half < widest / 2
