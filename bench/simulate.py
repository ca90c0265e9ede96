"""How fast `holdless simulate` runs: one config, one replication, on one core.

`python -m bench.simulate [--quick]` times `callback.simulate.compare.run_queue` (the
whole event loop through the real forecast, dial budget, eligibility and retry policy)
on two stated workloads: a day of a 10-agent queue (the README's worked example:
08:00-20:00, about 1,250 contacts, half of the offered callers taking a callback) and a
week of a 50-agent queue (08:00-20:00 every day, about 20,000 contacts, long calls, a
third taking a callback, a tenth from the web). Figures: contacts, wall seconds and
process CPU seconds per run; goals 5 s and 60 s. `--quick` runs one day of each.

It also times the staffing check (`holdless staffing advise --simulate`) of one busy hour of
each queue, as advice measures it: callers on hold and callbacks for 80% within 60 s, from
the formula's figure (`callback.simulate.check.check_interval`, every trial and replication).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from callback.advice import Advice
from callback.config.loader import load_config, parse_config
from callback.config.model import SupervisorConfig
from callback.goals import Load, ServiceGoal, agents_for
from callback.history import Tally
from callback.simulate.arrivals import Interval, Kind, contacts, parse_profile
from callback.simulate.check import check_interval
from callback.simulate.compare import Setup, run_queue
from callback.simulate.reasons import Dials

DOCS = Path(__file__).resolve().parents[1] / "docs" / "simulate"
TUESDAY = date(2026, 12, 8)
_WEEK_CONFIG = """\
[service]
company = "Bench"
numbers = ["+44 20 7946 0000"]

[queues.support]
time_zone = "Europe/London"
region = "GB"
wrap_up = "30s"
hours.daily = ["08:00-20:00"]
staffing.daily = [{ from = "08:00", to = "20:00", agents = 50 }]
"""


@dataclass(frozen=True, slots=True)
class Timing:
    """One workload's run."""

    name: str
    contacts: int
    wall_s: float
    cpu_s: float
    goal_s: float | None


def week_profile() -> tuple[Interval, ...]:
    """About 2,860 contacts a day for 50 agents: 11 minutes of talk, load about 0.95."""
    return (
        Interval("support", clock(8), clock(20), Kind.PHONE, 2600, 640, 300, 0.33, 0.15, 0.05),
        Interval("support", clock(8), clock(20), Kind.WEB, 260, 640, None, 0.0, 0.15, 0.05),
    )


def timed(name: str, config: SupervisorConfig, setup: Setup, goal_s: float) -> Timing:
    """Run one replication of `support` and time it."""
    people = len(contacts(setup.profile, "support", setup.days, setup.seed, TUESDAY.weekday()))
    wall, cpu = time.perf_counter(), time.process_time()
    run_queue(config, "support", setup, setup.seed)
    return Timing(name, people, time.perf_counter() - wall, time.process_time() - cpu, goal_s)


def busy_hour(held: int, callbacks: int, handle_s: float, patience_s: float) -> Advice:
    """Tuesday's 12:00 hour as advice measures it, with the formula's figure for 80% in 60 s."""
    start = datetime.combine(TUESDAY, clock(12), tzinfo=UTC)  # London keeps GMT in December
    offered = held + callbacks
    line = patience_s * offered / held
    load = Load(offered / 3600 * handle_s, handle_s, line)
    needed = agents_for(ServiceGoal(0.8, timedelta(seconds=60)), load)
    tally = Tally(held, callbacks)
    hour = start + timedelta(hours=1)
    return Advice(
        "support", start, hour, tally, handle_s, patience_s, line, load.traffic, needed, 0, 0
    )


def checked(name: str, config: SupervisorConfig, row: Advice) -> Timing:
    """Check one interval of advice by simulation, and time it."""
    goal = ServiceGoal(0.8, timedelta(seconds=60))
    wall, cpu = time.perf_counter(), time.process_time()
    found = check_interval(config, row, goal, Dials(0.15, 0.05))
    assert found is not None
    name = f"{name} (formula {row.needed}, simulated {found.agents})"
    return Timing(
        name, row.tally.offered, time.perf_counter() - wall, time.process_time() - cpu, None
    )


def run(quick: bool) -> list[Timing]:
    """Both workloads (one day each when `quick`)."""
    example = load_config(DOCS / "current.toml")
    day = parse_profile((DOCS / "forecast.csv").read_text(encoding="utf-8"))
    week = parse_config(_WEEK_CONFIG.encode(), "bench")
    days = 1 if quick else 7
    return [
        timed("a day, 10 agents", example, Setup(day, TUESDAY, 1), 5.0),
        timed(f"{days} day(s), 50 agents", week, Setup(week_profile(), TUESDAY, days), 60.0),
        checked("staffing check, an hour of the 10 agents", example, busy_hour(62, 75, 315, 240)),
        checked("staffing check, an hour of the 50 agents", week, busy_hour(145, 94, 670, 300)),
    ]


def main(argv: Sequence[str] | None = None) -> list[Timing]:
    """Run and print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.simulate", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one day of each workload")
    rows = run(parser.parse_args(argv).quick)
    print("| workload | contacts | wall (s) | CPU (s) | goal (s) |")
    print("|---|---|---|---|---|")
    for r in rows:
        goal = "-" if r.goal_s is None else f"{r.goal_s:.0f}"
        print(f"| {r.name} | {r.contacts} | {r.wall_s:.1f} | {r.cpu_s:.1f} | {goal} |")
    return rows


if __name__ == "__main__":
    main()
