"""Staffing advice for a config from the database's history: the command line and the
console's dry run ask the same functions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from callback.advice import Window, advise, with_simulated_check
from callback.config import SupervisorConfig
from callback.goals import Goal, ServiceGoal
from callback.history import Records, measured, spans
from callback.simulate.check import Trials, checker
from callback.simulate.history import dial_shares
from callback.store.history import read_history
from webhooks.staffing_report import QueueAdvice, text

DEFAULT_SHARE = 0.8
"""The share answered within the queue's target when no goal is given (80% in target)."""


def queue_advice(
    config: SupervisorConfig,
    name: str,
    window: Window,
    goal: Goal | None,
    records: Records,
    now: datetime,
    simulate: Trials | None = None,
) -> QueueAdvice:
    """One queue's advice over `window` for `goal` (default: 80% within its target), checked
    by simulating the real line (`simulate`: how hard) in the intervals callbacks joined."""
    queue, policy = config.queues[name], config.callback_policy(name)
    goal = goal or ServiceGoal(DEFAULT_SHARE, queue.service_level_target)
    prior = policy.handle_time_prior
    rows = advise(measured(records, now), name, queue.staffing_plan(), prior, goal, window, now)
    if simulate is not None:
        check = checker(config, goal, dial_shares(records, name), simulate)
        rows = with_simulated_check(rows, check)
    return QueueAdvice(name, queue.zone, window, goal, rows, prior, simulate is not None)


def read_windows(
    engine: Engine, config: SupervisorConfig, windows: dict[str, Window], now: datetime
) -> Records:
    """The history every window needs, in one read."""
    cuts = [
        spans(config.queues[name].zone, window.first, window.days, window.length)
        for name, window in windows.items()
    ]
    start, end = min(cut[0][0] for cut in cuts), max(cut[-1][1] for cut in cuts)
    return read_history(engine, start, end, now=now, queues=windows)


def advice_today(
    config: SupervisorConfig,
    engine: Engine,
    now: datetime,
    length: timedelta,
    simulate: Trials | None = None,
) -> str:
    """Every queue's advice for today so far (its local day), as the command line prints it."""
    names = sorted(config.queues)
    windows = {
        name: Window(now.astimezone(config.queues[name].zone).date(), 1, length) for name in names
    }
    records = read_windows(engine, config, windows, now)
    return text(
        [queue_advice(config, name, windows[name], None, records, now, simulate) for name in names]
    )
