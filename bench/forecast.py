"""Forecasts per second for the API benchmark's queue, as `POST /api/v1/callbacks` asks.

`python -m bench.forecast [--quick]` loads `bench.api_create`'s config (one queue staffed
around the clock; open from two hours before now to four after, and open 24/7) and calls
`callback.forecast.forecast` for 12 ahead, each call a second later than the last (so the
clock moves as it does between requests): first as a bare count, then as the adapters
call it (the typical input: 5 of the 12 on hold, two callbacks in backoff, presence with
one agent wrapping up, measured figures with live and callback handle times apart and the
levels learned from past announcements, a callback's own no-answer risk and both
retries). Figure: the
median over rounds of calls per second of process CPU (goal: 20,000).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from bench.api_setup import ALWAYS, QUEUE, ZONE, hours_around, write_config
from callback.calibration import Levels
from callback.config.loader import load_config
from callback.forecast import Measured, forecast
from callback.inputs import LineInputs, Staffed

MEASURED = Measured(
    attempts=400,
    mean_handle=timedelta(minutes=5),
    abandoned=12,
    exposure=timedelta(hours=30),
    unanswered=60,
    dials=300,
    offers=250,
    live_handle=timedelta(minutes=4),
    live=Levels(0.08, 0.93, 0.95, 4.0),
    callbacks=Levels(0.09, 0.92, 0.94, -3.0),
)


def typical(now: datetime) -> LineInputs:
    """12 ahead as the adapters see them: 5 on hold, 2 returning, presence reported."""
    returning = (now + timedelta(minutes=2), now + timedelta(minutes=40))
    staffed = Staffed(logged_in=5, available=0, wrap_ends=(now + timedelta(seconds=20),))
    return LineInputs(12, on_hold=5, returning=returning, staffed=staffed, callback=True)


def rate(path: Path, now: datetime, calls: int, full: bool) -> float:
    """Forecasts per CPU second for the queue in the config at `path`."""
    config = load_config(path)
    queue, policy = config.queues[QUEUE], config.callback_policy(QUEUE)
    line: int | LineInputs = typical(now) if full else 12
    measured = MEASURED if full else Measured()
    start = time.process_time()
    for n in range(calls):
        forecast(queue, policy, line, measured, now + timedelta(seconds=n))
    return calls / (time.process_time() - start)


def main(argv: Sequence[str] | None = None) -> None:
    """Print forecasts per second for both kinds of hours."""
    parser = argparse.ArgumentParser(prog="python -m bench.forecast", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    rounds, calls = (2, 200) if parser.parse_args(argv).quick else (7, 2000)
    now = datetime.now(ZONE)
    with tempfile.TemporaryDirectory(prefix="holdless-bench-forecast-") as tmp:
        for name, hours in (("closes in the evening", hours_around(now)), ("24/7", ALWAYS)):
            path = write_config(Path(tmp) / "api.toml", hours)
            for kind, full in (("12 ahead", False), ("typical line", True)):
                figures = [rate(path, now, calls, full) for _ in range(rounds)]
                median = statistics.median(figures)
                print(f"{name}, {kind}: {median:,.0f} forecasts/s (median of {rounds})")


if __name__ == "__main__":
    main()
