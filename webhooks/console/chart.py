"""Plain SVG charts drawn on the server: the geometry here, the markup in a template.

No script and no inline style (the console's CSP forbids both): shapes carry classes that
console.css colours, and every chart has a title, a description and a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
MAX_LABELS = 12


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values (None: nothing to draw there)."""

    name: str
    css: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Mark:
    """One drawn shape: a bar (x, y, w, h) or a point of a line (x, y), with its hover text."""

    x: float
    y: float
    w: float
    h: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the template needs to draw one chart."""

    key: str
    title: str
    desc: str
    width: int
    height: int
    ticks: list[tuple[float, str]]
    labels: list[tuple[float, str]]
    bars: list[tuple[str, str, list[Mark]]]
    lines: list[tuple[str, str, str, list[Mark]]]
    """(series name, css class, polyline points, marks)."""


def _scale(top: float) -> float:
    """A round upper bound at or above `top`: 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return 1.0
    step = 1.0
    while step * 10 < top:
        step *= 10
    return next(bound for bound in (step, 2 * step, 5 * step, 10 * step) if bound >= top)


def _x_labels(labels: Sequence[str], band: float) -> list[tuple[float, str]]:
    # Long labels (day and time) need more room each, so fewer of them fit.
    most = MAX_LABELS if max(map(len, labels), default=0) <= 5 else MAX_LABELS * 2 // 3
    every = max(1, -(-len(labels) // most))
    return [(LEFT + band * (i + 0.5), text) for i, text in enumerate(labels) if i % every == 0]


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _ticks(top: float, unit: str) -> list[tuple[float, str]]:
    return [(_y(top * part, top), f"{top * part:g}{unit}") for part in (0, 0.5, 1)]


def bar_chart(
    key: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]
) -> Chart:
    """Grouped bars, one group per label, one bar per series."""
    top = _scale(max((v or 0.0 for s in series for v in s.values), default=0.0))
    band = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    width = band * 0.8 / max(1, len(series))
    bars = []
    for n, one in enumerate(series):
        marks = [
            Mark(
                x=LEFT + band * (i + 0.1) + width * n,
                y=_y(value, top),
                w=width,
                h=_y(0, top) - _y(value, top),
                text=f"{labels[i]} {one.name}: {value:g}",
            )
            for i, value in enumerate(one.values)
            if value
        ]
        bars.append((one.name, one.css, marks))
    return Chart(
        key, title, desc, WIDTH, HEIGHT, _ticks(top, ""), _x_labels(labels, band), bars, []
    )


def share_chart(
    key: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]
) -> Chart:
    """Lines of shares (0 to 1) drawn as percentages; gaps where a share is undefined."""
    band = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    lines = []
    for one in series:
        marks = [
            Mark(LEFT + band * (i + 0.5), _y(value * 100, 100), 0, 0, f"{labels[i]} {one.name}")
            for i, value in enumerate(one.values)
            if value is not None
        ]
        points = " ".join(f"{mark.x:.1f},{mark.y:.1f}" for mark in marks)
        lines.append((one.name, one.css, points, marks))
    return Chart(
        key, title, desc, WIDTH, HEIGHT, _ticks(100, "%"), _x_labels(labels, band), [], lines
    )
