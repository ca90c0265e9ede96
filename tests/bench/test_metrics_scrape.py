"""The scrape benchmark runs on a tiny database and its windows meet the loaded history."""

from __future__ import annotations

from pathlib import Path

from bench.metrics_scrape import measure, report
from bench.queue_ops import Size


def test_a_tiny_run_times_every_scrape(tmp_path: Path) -> None:
    size = Size(waiting=40, operations=0, history=2_000)
    timings = measure("sqlite", f"sqlite:///{tmp_path / 'bench.db'}", size, scrapes=5)
    assert [len(timing.millis) for timing in timings] == [5]
    assert "| sqlite |" in report(timings, size, 5)
