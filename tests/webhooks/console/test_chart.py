"""The SVG charts' geometry: round scales, bars to scale, gaps where a share is undefined."""

from __future__ import annotations

import pytest

from webhooks.console.chart import BOTTOM, HEIGHT, TOP, Series, bar_chart, share_chart


def test_bars_are_drawn_to_a_round_scale_and_zero_draws_nothing() -> None:
    chart = bar_chart("c", "T", "D", ["a", "b", "c"], [Series("n", "s", [0.0, 3.5, 7.0])])
    assert [text for _, text in chart.ticks] == ["0", "5", "10"]  # 7 rounds up to 10
    ((_, _, marks),) = chart.bars
    assert [mark.text for mark in marks] == ["b n: 3.5", "c n: 7"]
    plot = HEIGHT - TOP - BOTTOM
    assert marks[1].h == pytest.approx(plot * 0.7)
    assert marks[1].y + marks[1].h == pytest.approx(HEIGHT - BOTTOM)


def test_an_empty_chart_still_has_a_scale() -> None:
    chart = bar_chart("c", "T", "D", [], [Series("n", "s", [])])
    assert [text for _, text in chart.ticks] == ["0", "0.5", "1"]
    assert chart.labels == []


def test_shares_leave_a_gap_where_undefined_and_labels_thin_out() -> None:
    labels = [f"02 {hour:02d}:00" for hour in range(24)]
    values: list[float | None] = [None] * 24
    values[3], values[4] = 0.5, 1.0
    chart = share_chart("c", "T", "D", labels, [Series("level", "s", values)])
    ((_, _, points, marks),) = chart.lines
    assert len(marks) == 2
    assert points.count(",") == 2
    assert marks[1].y == pytest.approx(TOP)  # 100% at the top
    assert len(chart.labels) == 8  # long labels: at most eight
