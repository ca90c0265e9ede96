"""Staffing goals as a supervisor writes them ("80% in 60s", "5%") and the agents they need.

A goal is met by Erlang A when callers give up (a finite mean patience) and by Erlang C
when nobody does: the formulas themselves are in `callback.staffing`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

from callback.config.durations import parse_duration
from callback.staffing import (
    agents_for_abandonment_a,
    agents_for_service_level_a,
    agents_needed,
    erlang_a_or_fluid,
    service_level,
)

_SHARE = r"\s*(\d+(?:\.\d+)?)\s*%\s*"
_TARGET = re.compile(_SHARE + r"in\s+(\S+)\s*", re.IGNORECASE)
_PERCENT = re.compile(_SHARE)
TARGET_RULE = 'a share and a time, like "80% in 60s" or "90% in 2m" (share above 0% and below 100%)'
ABANDONMENT_RULE = 'a share like "5%" (above 0% and below 100%)'


class GoalError(ValueError):
    """A goal written wrongly: the message names the flag and the rule."""

    def __init__(self, flag: str, text: str, rule: str) -> None:
        super().__init__(f"{flag} {text!r}: write {rule}")
        self.flag = flag


@dataclass(frozen=True, slots=True)
class ServiceGoal:
    """`share` of everyone offered reached within `within` (those who give up count as missed)."""

    share: float
    within: timedelta

    def __str__(self) -> str:
        return f"{_percent(self.share)} answered within {_seconds(self.within)}"


@dataclass(frozen=True, slots=True)
class AbandonmentGoal:
    """At most `share` of everyone offered gives up before an agent takes them."""

    share: float

    def __str__(self) -> str:
        return f"at most {_percent(self.share)} abandoning"


Goal = ServiceGoal | AbandonmentGoal


@dataclass(frozen=True, slots=True)
class Load:
    """What an interval offers the agents: Erlangs, handle time and the line's mean patience."""

    traffic: float
    handle_s: float
    patience_s: float | None
    """None: nobody gives up (Erlang C)."""


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _seconds(within: timedelta) -> str:
    return f"{within.total_seconds():g}s"


def _share(percent: str, flag: str, text: str, rule: str) -> float:
    share = float(percent) / 100
    if not 0.0 < share < 1.0:
        raise GoalError(flag, text, rule)
    return share


def parse_target(text: str) -> ServiceGoal:
    """`--target "80% in 60s"`: a share of callers and the time they are reached within."""
    match = _TARGET.fullmatch(text)
    if match is None:
        raise GoalError("--target", text, TARGET_RULE)
    share = _share(match[1], "--target", text, TARGET_RULE)
    try:
        # Bare digits are seconds, as in the config file.
        within = parse_duration(int(match[2]) if match[2].isdigit() else match[2])
    except ValueError:
        raise GoalError("--target", text, TARGET_RULE) from None
    return ServiceGoal(share, within)


def parse_abandonment(text: str) -> AbandonmentGoal:
    """`--abandonment 5%`: the largest share of callers who may give up."""
    match = _PERCENT.fullmatch(text)
    if match is None:
        raise GoalError("--abandonment", text, ABANDONMENT_RULE)
    return AbandonmentGoal(_share(match[1], "--abandonment", text, ABANDONMENT_RULE))


def agents_for(goal: Goal, load: Load) -> int:
    """The fewest agents that meet `goal` under `load`; 0 when nothing is offered."""
    if load.patience_s is None:
        if isinstance(goal, AbandonmentGoal):
            # Nobody gives up: any stable line meets it, the fewest agents that keep it so.
            return 0 if load.traffic == 0 else math.floor(load.traffic) + 1
        seconds = goal.within.total_seconds()
        return agents_needed(load.traffic, load.handle_s, seconds, goal.share)
    if isinstance(goal, AbandonmentGoal):
        return agents_for_abandonment_a(load.traffic, load.handle_s, load.patience_s, goal.share)
    seconds = goal.within.total_seconds()
    return agents_for_service_level_a(
        load.traffic, load.handle_s, load.patience_s, seconds, goal.share
    )


def outcome(goal: Goal, load: Load, agents: int) -> float:
    """The goal's figure (service level or abandonment share) with `agents` on duty."""
    if load.traffic == 0:
        return 0.0 if isinstance(goal, AbandonmentGoal) else 1.0
    if agents < 1:
        # Nobody to answer: everyone is missed; with patience all of them give up in the end.
        return 1.0 if isinstance(goal, AbandonmentGoal) else 0.0
    seconds = goal.within.total_seconds() if isinstance(goal, ServiceGoal) else 0.0
    if load.patience_s is None:
        if isinstance(goal, AbandonmentGoal):
            return 0.0
        return service_level(load.traffic, agents, load.handle_s, seconds)
    figures = erlang_a_or_fluid(load.traffic, agents, load.handle_s, load.patience_s, seconds)
    if isinstance(goal, AbandonmentGoal):
        return figures.abandon_probability
    return figures.service_level
