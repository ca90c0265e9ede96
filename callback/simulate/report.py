"""The comparison of two configs per queue and interval: figures, a verdict, text and JSON."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callback.config.model import SupervisorConfig
from callback.simulate.compare import (
    Figure,
    Setup,
    active,
    differs,
    figures_of,
    paired,
    replicate,
    span_cells,
)
from callback.simulate.tally import FIGURES, Tally

_LEAST = {"service_level": 0.01, "abandonment": 0.01, "promises_broken": 1.0}
"""The least difference worth a word in the verdict, per figure it speaks of."""


@dataclass(frozen=True, slots=True)
class Row:
    """One interval of one queue: its start (HH:MM) and both configs' figures."""

    start: str
    current: dict[str, Figure]
    proposed: dict[str, Figure]


@dataclass(frozen=True, slots=True)
class QueueReport:
    """One queue's comparison."""

    queue: str
    rows: tuple[Row, ...]
    current: dict[str, Figure]
    proposed: dict[str, Figure]
    verdict: str


def clock(index: int, length: float) -> str:
    """The start of interval `index` as HH:MM."""
    minutes = round(index * length / 60)
    return f"{minutes // 60:02}:{minutes % 60:02}"


def _runs(flags: list[tuple[int, int]]) -> list[list[int]]:
    """Consecutive intervals with the same non-zero sign, grouped."""
    groups: list[list[int]] = []
    last: tuple[int, int] | None = None
    for index, sign in flags:
        if sign and last is not None and last[1] == sign and last[0] == index - 1:
            groups[-1].append(index)
        elif sign:
            groups.append([index])
        last = (index, sign)
    return groups


def _when(group: list[int], shown: list[int], length: float) -> str:
    start, end = clock(group[0], length), clock(group[-1] + 1, length)
    if group[0] == shown[0] and group[-1] == shown[-1]:
        return "all day"
    if group[-1] == shown[-1]:
        return f"after {start}"
    return f"from {start} to {end}"


def _phrase(name: str, before: float, after: float, when: str) -> str:
    if name == "promises_broken":
        change = after - before
        more = "more" if change > 0 else "fewer"
        return f"{abs(change):.0f} {more} broken promises {when}"
    label = name.replace("_", " ")
    return f"{label} {before:.0%} -> {after:.0%} {when}"


def verdict(
    current: Sequence[Tally], proposed: Sequence[Tally], shown: list[int], length: float
) -> str:
    """One line: where service level, abandonment and broken promises differ beyond noise."""
    parts = []
    for name, least in _LEAST.items():
        flags = []
        for index in shown:
            change = paired(current, proposed, (index, index + 1), name)
            sign = (change.mean > 0) - (change.mean < 0) if differs(change, least) else 0
            flags.append((index, sign))
        for group in _runs(flags):
            span = (group[0], group[-1] + 1)
            before = figures_of(span_cells(current, *span))[name].mean
            after = figures_of(span_cells(proposed, *span))[name].mean
            parts.append(_phrase(name, before, after, _when(group, shown, length)))
    return "proposed: " + (", ".join(parts) if parts else "no difference beyond noise")


def compare_queue(
    current: SupervisorConfig, proposed: SupervisorConfig, queue: str, setup: Setup
) -> QueueReport:
    """Both configs replicated on the same contacts, summed over the days, per interval."""
    before, after = replicate(current, queue, setup), replicate(proposed, queue, setup)
    shown = active(before + after)
    rows = tuple(
        Row(
            clock(i, setup.interval_s),
            figures_of(span_cells(before, i, i + 1)),
            figures_of(span_cells(after, i, i + 1)),
        )
        for i in shown
    )
    whole = (0, len(before[0].cells))
    return QueueReport(
        queue,
        rows,
        figures_of(span_cells(before, *whole)),
        figures_of(span_cells(after, *whole)),
        verdict(before, after, shown, setup.interval_s) if shown else "proposed: nobody arrives",
    )


def compare(
    current: SupervisorConfig, proposed: SupervisorConfig, setup: Setup
) -> list[QueueReport]:
    """Every queue of the profile that both configs know, in name order."""
    named = sorted({row.queue for row in setup.profile})
    both = [q for q in named if q in current.queues and q in proposed.queues]
    return [compare_queue(current, proposed, queue, setup) for queue in both]


def _plain(figures: dict[str, Figure]) -> dict[str, dict[str, float | None]]:
    """JSON has no NaN or infinity: an undefined figure (or the half-width of a figure only
    one replication defines) is null."""
    return {name: {"mean": _number(f.mean), "ci95": _number(f.half)} for name, f in figures.items()}


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def as_json(reports: Sequence[QueueReport], setup: Setup) -> dict[str, Any]:
    """The reports as plain data (each figure: its mean and 95% half-width)."""
    return {
        "from": setup.start.isoformat(),
        "days": setup.days,
        "seed": setup.seed,
        "replications": setup.replications,
        "interval_minutes": setup.interval_s / 60,
        "figures": list(FIGURES),
        "queues": [
            {
                "queue": r.queue,
                "verdict": r.verdict,
                "current": _plain(r.current),
                "proposed": _plain(r.proposed),
                "intervals": [
                    {
                        "start": row.start,
                        "current": _plain(row.current),
                        "proposed": _plain(row.proposed),
                    }
                    for row in r.rows
                ],
            }
            for r in reports
        ],
    }
