"""A replay of a recorded `make run` hour: the simulation, fed that hour's own history as
`holdless simulate --arrivals history` reads it, with the same config, reproduces the
service level and the broken promises the hour measured.

One recorded hour is one draw of a random day, so it is judged against the spread of
single simulated days (the 95% prediction interval of one more replication: mean +/- t *
sd * sqrt(1 + 1/n)), not against the confidence interval of the simulated mean, which
shrinks to nothing as replications grow and which no single day, real or simulated, need
fall in.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from callback.config import load_config
from callback.simulate.compare import Setup, replicate, span_cells, t975
from callback.simulate.history import covered_days, profile
from callback.store.history import read_history
from tests.e2e.demo_world import demo_settings
from tests.e2e.replay_day import measure, record_hour

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]

START = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
"""A Monday, 20:00 in London (GMT): the hour recorded is interval 20 of the queue's day."""
HOUR = 20
RATE = 0.7
"""Callers a minute on the support line (and a web visitor for four of them): about the
support queue's share of `make run`'s default day, a load near 0.9 for its three agents."""
SEED = 5
REPLICATIONS = 40


def one_day_interval(values: Sequence[float]) -> tuple[float, float]:
    """Where one more simulated day falls with 95% probability (Student's t)."""
    n = len(values)
    half = t975(n - 1) * statistics.stdev(values) * math.sqrt(1 + 1 / n)
    mean = statistics.fmean(values)
    return mean - half, mean + half


async def test_a_replayed_hour_reproduces_its_service_level_and_broken_promises(
    tmp_path: Path, sqlite_url: str
) -> None:
    settings = demo_settings(tmp_path, sqlite_url)
    config = load_config(settings.config_file)
    await record_hour(settings, config, START, RATE, SEED)
    engine = create_engine(sqlite_url)
    end = START + timedelta(hours=1)
    seen = measure(engine, "support", START, config.queues["support"].service_level_target)
    history = read_history(engine, START, end)
    engine.dispose()
    assert seen.undecided == 0  # every contact of the hour had its outcome when measured
    assert seen.held > 20 and seen.callbacks > 10 and seen.declined > 0

    rows = profile(history, config, covered_days(history, end, 28), end)
    assert {row.channel.value for row in rows} == {"phone", "web", "slot"}
    setup = Setup(rows, START.date(), 1, 1, REPLICATIONS, 3600.0)
    cells = span_cells(replicate(config, "support", setup), HOUR, HOUR + 1)
    levels = [cell.figures()["service_level"] for cell in cells]
    broken = [float(cell.promises_broken) for cell in cells]

    low, high = one_day_interval(levels)
    assert low <= seen.service_level <= high
    assert high - low < 0.9  # an interval that says something about the hour
    low, high = one_day_interval(broken)
    assert low <= seen.broken <= high
