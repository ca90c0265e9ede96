"""How right the announced waits are: the real forecast driven by a simulated line.

`python -m bench.estimate_accuracy [--quick] [--json]` runs `bench.accuracy_sim` over
stationary M/M/c+M cells (10, 50 and 100 agents at load 0.9, 1.0 and 1.1, exponential
talk of 5 minutes and patience of 10) and over a day: a staffing plan, an unforecast
surge, lunch breaks the plan does not know, long-tailed talk, wrap-up, callbacks that
miss and retry, live callers who give up. Per cell, over the people who reached an agent:
bias and RMSE of the announced wait, the information floor (the RMSE of a predictor that
knows the exact conditional law given the line; stationary cells only), the share of
actual waits inside the announced 10-90 range, the share of clock-time promises kept and
how early the median person is reached before the promise.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from random import Random

from bench.accuracy_sim import MEAN_TALK, Outcome, Scenario, Sim
from callback.config.loader import parse_config
from callback.config.model import SupervisorConfig

QUEUE = "line"
HOUR = 3600.0
_CONFIG = """\
[service]
company = "Bench Energy"
numbers = ["+44 20 7946 0000"]

[queues.{queue}]
time_zone = "UTC"
region = "GB"
hours.daily = ["00:00-24:00"]
wrap_up = "{wrap}"
staffing.daily = [{staffing}]

[queues.{queue}.callback]
handle_time_prior = "6m"
patience_prior = "20m"
ring_timeout = "30s"
backoff = ["5m"]
cutoff_before_closing = "0s"
"""


@dataclass(frozen=True, slots=True)
class Figures:
    """One cell's accuracy."""

    cell: str
    people: int
    bias_s: float
    rmse_s: float
    floor_s: float | None
    rmse_over_floor: float | None
    exact_bias_s: float | None
    """The bias of the exact conditional mean over the same people: the sample's own noise."""
    rmse_over_exact: float | None
    """RMSE over the exact conditional mean's RMSE on the same people (a paired ratio)."""
    in_range: float
    promise_kept: float
    median_early_min: float


def _config(staffing: str, wrap: float) -> SupervisorConfig:
    # The queue's wrap-up is the simulated one: the forecast reads it from the config.
    text = _CONFIG.format(queue=QUEUE, staffing=staffing, wrap=f"{wrap:.0f}s")
    return parse_config(text.encode(), "bench")


def _plan(steps: Sequence[tuple[int, int, int]]) -> str:
    return ", ".join(
        f'{{ from = "{a:02}:00", to = "{b:02}:00", agents = {n} }}' for a, b, n in steps
    )


def stationary(agents: int, load: float, hours: float) -> tuple[Scenario, str]:
    """An M/M/c+M line: Poisson arrivals, exponential talk and patience, all on hold."""
    rate = load * agents / MEAN_TALK
    scenario = Scenario(
        name=f"{agents} agents, load {load:.1f}",
        start=0.0,
        stop_arrivals=hours * HOUR,
        arrival_rate=lambda _: rate,
        peak_rate=rate,
        logged_in=((0.0, agents),),
        talk=lambda rng: rng.expovariate(1.0 / MEAN_TALK),
        patience=600.0,
        floor=True,
    )
    return scenario, _plan([(0, 24, agents)])


def _day_rate(t: float) -> float:
    """Forecast arrivals for the plan's staffing at load 0.95, and an unforecast surge."""
    hour = t / HOUR
    staffed = 30 if hour < 10 or hour >= 17 else 50
    surge = 1.4 if 11 <= hour < 12 else 1.0
    return 0.95 * staffed / 330.0 * surge


def _lognormal_talk(rng: Random) -> float:
    """Talk with a long tail: lognormal, mean 270 s, sigma 1."""
    return rng.lognormvariate(math.log(270.0) - 0.5, 1.0)


def day() -> tuple[Scenario, str]:
    """08:00-20:00: plan, surge at 11:00, lunch 12:00-14:00, 40% callbacks, 20% no-answers."""
    logged = ((8 * HOUR, 30), (10 * HOUR, 50), (12 * HOUR, 42), (14 * HOUR, 50), (17 * HOUR, 30))
    scenario = Scenario(
        name="day: plan, surge, lunch, mixed",
        start=8 * HOUR,
        stop_arrivals=20 * HOUR,
        arrival_rate=_day_rate,
        peak_rate=_day_rate(11 * HOUR),
        logged_in=logged,
        talk=_lognormal_talk,
        patience=600.0,
        wrap_up=30.0,
        callback_share=0.4,
        no_answer=0.2,
    )
    # The evening team serves on until the line is empty, as the simulated agents do: a plan
    # that said nobody after 20:00 told the last minute's arrivals to wait until 08:00.
    return scenario, _plan([(8, 10, 30), (10, 17, 50), (17, 24, 30)])


def figures(name: str, outcomes: list[Outcome]) -> Figures:
    """The cell's accuracy: the wait against the wait had they stayed, promises over the reached."""
    judged = [(o, o.virtual) for o in outcomes if o.virtual is not None]
    errors = [o.wait - actual for o, actual in judged]
    rmse = math.sqrt(statistics.fmean(e * e for e in errors))
    floors = [o.floor_var for o, _ in judged if not math.isnan(o.floor_var)]
    floor = math.sqrt(statistics.fmean(floors)) if floors else None
    exact = [o.floor_mean - actual for o, actual in judged if not math.isnan(o.floor_mean)]
    exact_rmse = math.sqrt(statistics.fmean(e * e for e in exact)) if exact else None
    # A range is judged where it is one: a free agent's "no wait" is exact, not a range.
    ranged = [o.low <= actual <= o.high for o, actual in judged if o.high > o.low]
    early = [(o.by - o.actual) / 60.0 for o in outcomes if o.actual is not None]
    return Figures(
        cell=name,
        people=len(judged),
        bias_s=statistics.fmean(errors),
        rmse_s=rmse,
        floor_s=floor,
        rmse_over_floor=rmse / floor if floor else None,
        exact_bias_s=statistics.fmean(exact) if exact else None,
        rmse_over_exact=rmse / exact_rmse if exact_rmse else None,
        in_range=statistics.fmean(ranged),
        promise_kept=statistics.fmean(e >= 0 for e in early),
        median_early_min=statistics.median(early),
    )


def outcomes(cell: int, seed: int, runs: int, calibrate: bool, hours: float) -> list[Outcome]:
    """Cell number `cell`'s outcomes over `runs` independent runs (seeds 1000 apart)."""
    cells = [stationary(c, load, hours) for c in (10, 50, 100) for load in (0.9, 1.0, 1.1)]
    scenario, staffing = [*cells, day()][cell]
    config = _config(staffing, scenario.wrap_up)
    found: list[Outcome] = []
    for r in range(runs):
        found += Sim(scenario, config, QUEUE, seed + cell + 1000 * r, calibrate=calibrate).run()
    return found


def run(quick: bool, seed: int = 1, calibrate: bool = True, runs: int = 1) -> list[Figures]:
    """Every cell's figures."""
    hours = 3.0 if quick else 30.0
    names = [f"{c} agents, load {load:.1f}" for c in (10, 50, 100) for load in (0.9, 1.0, 1.1)]
    names.append(day()[0].name)
    return [
        figures(name, outcomes(n, seed, runs, calibrate, hours)) for n, name in enumerate(names)
    ]


def day_by_kind(seed: int, calibrate: bool, runs: int) -> list[Figures]:
    """The day's figures for callers on hold and for callbacks apart."""
    found = outcomes(9, seed, runs, calibrate, 0.0)
    return [
        figures(f"day, {name}", [o for o in found if o.callback is kind])
        for name, kind in (("callers on hold", False), ("callbacks", True))
    ]


def table(rows: list[Figures]) -> str:
    """The figures as a Markdown table."""
    names = ["cell", "people", "bias (s)", "exact's bias (s)", "RMSE (s)", "floor (s)"]
    names += ["RMSE/floor", "RMSE/exact", "in 10-90", "promise kept", "median early (min)"]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for r in rows:
        floor = _or_dash(r.floor_s, ".1f")
        paired = f"{_or_dash(r.exact_bias_s, '+.1f')} | {r.rmse_s:.1f} | {floor}"
        ratios = f"{_or_dash(r.rmse_over_floor, '.3f')} | {_or_dash(r.rmse_over_exact, '.3f')}"
        lines.append(
            f"| {r.cell} | {r.people} | {r.bias_s:+.1f} | {paired} | {ratios} "
            f"| {r.in_range:.1%} | {r.promise_kept:.1%} | {r.median_early_min:.2f} |"
        )
    return "\n".join(lines)


def _or_dash(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main(argv: Sequence[str] | None = None) -> list[Figures]:
    """Run, print the table (or JSON), return the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.estimate_accuracy", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 simulated hours per cell")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-calibration", action="store_true", help="announce without the fed-back levels"
    )
    parser.add_argument("--runs", type=int, default=1, help="independent runs pooled per cell")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    calibrate = not args.no_calibration
    rows = run(args.quick, args.seed, calibrate, args.runs)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(table(rows + day_by_kind(args.seed, calibrate, args.runs)))
        print(f"\n{time.perf_counter() - started:.0f} s")
    return rows


if __name__ == "__main__":
    main()
