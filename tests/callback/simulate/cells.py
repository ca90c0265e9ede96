"""Configs and profiles the simulation tests build on."""

from __future__ import annotations

from datetime import date, time

from callback.config.loader import parse_config
from callback.config.model import SupervisorConfig
from callback.simulate.arrivals import Interval, Kind

QUEUE = "line"
MONDAY = date(2026, 3, 2)
_CONFIG = """\
[service]
company = "Cell"
numbers = ["+44 20 7946 0000"]

[queues.line]
time_zone = "Europe/London"
region = "GB"
wrap_up = "{wrap}"
hours.daily = ["{hours}"]
staffing.daily = [{staffing}]

[queues.line.callback]
{policy}
"""


def config(
    agents: int | str,
    *,
    hours: str = "00:00-24:00",
    wrap: str = "0s",
    policy: str = "",
) -> SupervisorConfig:
    """One queue; `agents` is a number all day or the TOML of the staffing entries."""
    opens, closes = hours.split("-")
    staffing = (
        f'{{ from = "{opens}", to = "{closes}", agents = {agents} }}'
        if isinstance(agents, int)
        else agents
    )
    text = _CONFIG.format(wrap=wrap, hours=hours, staffing=staffing, policy=policy)
    return parse_config(text.encode(), "test")


def stationary(agents: int, load: float, hours: int, handle: float = 300.0) -> Interval:
    """Poisson callers on hold from midnight for `hours` hours at `load`, patience 10 minutes."""
    offered = load * agents / handle * 3600.0 * hours
    return Interval(QUEUE, time(0), time(hours), Kind.PHONE, offered, handle, 600.0)
