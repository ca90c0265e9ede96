"""The comparison for a terminal (plain text) and as a chart (SVG, no library)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from html import escape

from callback.simulate.compare import Figure, Setup
from callback.simulate.report import QueueReport

_COLUMNS: tuple[tuple[str, str, Callable[[float], str]], ...] = (
    ("offered", "offered", lambda v: f"{v:.0f}"),
    ("served_from_hold", "held>agent", lambda v: f"{v:.0f}"),
    ("service_level", "SL", lambda v: f"{v:.0%}"),
    ("asa_s", "ASA s", lambda v: f"{v:.0f}"),
    ("abandonment", "aband", lambda v: f"{v:.0%}"),
    ("callbacks_completed", "cb done", lambda v: f"{v:.0f}"),
    ("callback_wait_s", "cb wait m", lambda v: f"{v / 60:.1f}"),
    ("promises_broken", "broken", lambda v: f"{v:.1f}"),
    ("occupancy", "occ", lambda v: f"{v:.0%}"),
    ("reserved_idle_s", "res idle m", lambda v: f"{v / 60:.0f}"),
)
_WIDTH = 14


def _pair(shown: Callable[[float], str], a: Figure, b: Figure) -> str:
    def one(value: float) -> str:
        return "-" if math.isnan(value) else shown(value)

    return f"{one(a.mean)}>{one(b.mean)}".rjust(_WIDTH)


def _level(figure: Figure) -> str:
    if math.isnan(figure.mean):
        return "- (nobody held)"
    return f"{figure.mean:.1%} +/- {figure.half:.1%}"


def _line(start: str, current: dict[str, Figure], proposed: dict[str, Figure]) -> str:
    cells = [_pair(shown, current[name], proposed[name]) for name, _, shown in _COLUMNS]
    return start.ljust(6) + "".join(cells)


def text(reports: Sequence[QueueReport], setup: Setup) -> str:
    """Per queue: the verdict, then one line per interval, each figure current>proposed."""
    out = [
        f"{setup.days} day(s) from {setup.start}, {setup.replications} replications "
        f"from seed {setup.seed}; each cell: current>proposed (means)",
    ]
    header = "start ".ljust(6) + "".join(title.rjust(_WIDTH) for _, title, _ in _COLUMNS)
    for report in reports:
        sl_now, sl_new = report.current["service_level"], report.proposed["service_level"]
        out += [
            "",
            f"queue {report.queue}: {report.verdict}",
            f"  service level {_level(sl_now)} -> {_level(sl_new)} (95% CI)",
            header,
        ]
        out += [_line(row.start, row.current, row.proposed) for row in report.rows]
        out.append(_line("all", report.current, report.proposed))
    return "\n".join(out)


_W, _H, _PAD, _TOP = 640, 260, 40, 80


def _points(values: Sequence[float]) -> str:
    step = (_W - 2 * _PAD) / max(len(values) - 1, 1)
    return " ".join(
        f"{_PAD + i * step:.1f},{_H - _PAD - v * (_H - _PAD - _TOP):.1f}"
        for i, v in enumerate(values)
        if not math.isnan(v)  # nobody held then: no point
    )


def _panel(report: QueueReport, top: int) -> list[str]:
    starts = [row.start for row in report.rows]
    now = [row.current["service_level"].mean for row in report.rows]
    new = [row.proposed["service_level"].mean for row in report.rows]
    step = (_W - 2 * _PAD) / max(len(starts) - 1, 1)
    parts = [
        f'<g transform="translate(0,{top})">',
        f'<text x="{_PAD}" y="20" font-size="14">{escape(report.queue)}: service level per '
        f"interval</text>",
    ]
    for n, line in enumerate(textwrap.wrap(report.verdict, 100)[:3]):
        parts.append(f'<text x="{_PAD}" y="{34 + 13 * n}" font-size="10">{escape(line)}</text>')
    for level in (0.0, 0.5, 1.0):
        y = _H - _PAD - level * (_H - _PAD - _TOP)
        parts.append(
            f'<line x1="{_PAD}" y1="{y:.1f}" x2="{_W - _PAD}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="4" y="{y + 4:.1f}" font-size="10">{level:.0%}</text>'
        )
    for i, start in enumerate(starts):
        if i % max(1, len(starts) // 8) == 0:
            parts.append(
                f'<text x="{_PAD + i * step - 12:.1f}" y="{_H - _PAD + 14}" '
                f'font-size="10">{start}</text>'
            )
    parts += [
        f'<polyline fill="none" stroke="#888" stroke-width="2" points="{_points(now)}"/>',
        f'<polyline fill="none" stroke="#1565c0" stroke-width="2" points="{_points(new)}"/>',
        "</g>",
    ]
    return parts


def chart(reports: Sequence[QueueReport]) -> str:
    """An SVG of each queue's service level per interval: current grey, proposed blue."""
    height = _H * max(len(reports), 1) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height}" '
        f'font-family="sans-serif">',
        f'<rect width="{_W}" height="{height}" fill="white"/>',
        f'<text x="{_PAD}" y="{height - 8}" font-size="11">'
        f'<tspan fill="#888">current</tspan> / <tspan fill="#1565c0">proposed</tspan></text>',
    ]
    for n, report in enumerate(reports):
        parts += _panel(report, n * _H)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
