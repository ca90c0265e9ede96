"""The in-process API benchmark books through the real app, each request a 201."""

from __future__ import annotations

from bench.api_cpu import SCRIPT
from bench.side_by_side import ROOT, measure, report


def test_every_timed_booking_is_answered_201() -> None:
    # A worker raises (and stops) on any answer other than 201: a figure means all were.
    results = measure(SCRIPT, {"after": ROOT}, rounds=1, count=3)
    assert [len(figures) for figures in results.values()] == [1]
    assert "CPU per booking" in report(results, "booking")
