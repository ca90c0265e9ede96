"""Staffing advice for a config from the database's history: the command line and the
console's dry run ask the same functions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from callback.advice import Window, advise
from callback.config import SupervisorConfig
from callback.goals import Goal, ServiceGoal
from callback.history import History, measured, spans
from callback.store.history import read_history
from webhooks.staffing_report import QueueAdvice, text

DEFAULT_SHARE = 0.8
"""The share answered within the queue's target when no goal is given (80% in target)."""


def queue_advice(
    config: SupervisorConfig,
    name: str,
    window: Window,
    goal: Goal | None,
    history: History,
    now: datetime,
) -> QueueAdvice:
    """One queue's advice over `window` for `goal` (default: 80% within its target)."""
    queue, policy = config.queues[name], config.callback_policy(name)
    goal = goal or ServiceGoal(DEFAULT_SHARE, queue.service_level_target)
    prior = policy.handle_time_prior
    rows = advise(history, name, queue.staffing_plan(), prior, goal, window, now)
    return QueueAdvice(name, queue.zone, window, goal, rows, prior)


def read_windows(
    engine: Engine, config: SupervisorConfig, windows: dict[str, Window], now: datetime
) -> History:
    """The history every window needs, in one read."""
    cuts = [
        spans(config.queues[name].zone, window.first, window.days, window.length)
        for name, window in windows.items()
    ]
    start, end = min(cut[0][0] for cut in cuts), max(cut[-1][1] for cut in cuts)
    return measured(read_history(engine, start, end, now=now, queues=windows), now)


def advice_today(config: SupervisorConfig, engine: Engine, now: datetime, length: timedelta) -> str:
    """Every queue's advice for today so far (its local day), as the command line prints it."""
    names = sorted(config.queues)
    windows = {
        name: Window(now.astimezone(config.queues[name].zone).date(), 1, length) for name in names
    }
    history = read_windows(engine, config, windows, now)
    return text([queue_advice(config, name, windows[name], None, history, now) for name in names])
