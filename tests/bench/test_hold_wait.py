"""The hold-round benchmark measures both checkouts' rounds, each a caller kept in line."""

from __future__ import annotations

from pathlib import Path

from bench.hold_wait import SCRIPT
from bench.side_by_side import ROOT, measure, report


def test_both_workers_time_every_round() -> None:
    results = measure(SCRIPT, {"after": ROOT, "before": ROOT}, rounds=2, count=5)
    assert [len(figures) for figures in results.values()] == [2, 2]
    assert all(figure > 0 for figures in results.values() for figure in figures)
    assert "after / before" in report(results, "round")


def test_a_worker_whose_round_fails_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "webhooks").mkdir()
    (tmp_path / "webhooks" / "__init__.py").write_text("")
    (tmp_path / "webhooks" / "app.py").write_text("raise ImportError('broken checkout')\n")
    try:
        measure(SCRIPT, {"broken": tmp_path}, rounds=1, count=1)
    except RuntimeError as error:
        assert "stopped" in str(error)
    else:
        raise AssertionError("a broken checkout was measured")
