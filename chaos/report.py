"""Each scenario's figures, its verdict, and the table printed at the end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chaos.held import HeldTally
from chaos.truth import Tally


@dataclass(frozen=True, slots=True)
class Figures:
    """What one scenario measured, and every assertion it failed (empty: it passed)."""

    scenario: str
    tally: Tally
    duration_s: float
    stale_refused: str = "-"
    notes: str = ""
    failures: tuple[str, ...] = field(default=())
    held: HeldTally | None = None
    """The callers on hold, in the scenarios that have them."""

    @property
    def passed(self) -> bool:
        """True when every assertion held."""
        return not self.failures


def ground_failures(tally: Tally, wanted: int, accepted: int) -> list[str]:
    """The assertions every scenario makes: all accepted, 0 lost, 0 doubles, 0 orphans."""
    found = []
    if accepted != wanted:
        found.append(f"{accepted} of {wanted} callback requests accepted by the API")
    if tally.lost:
        found.append(f"{tally.lost} requests lost (not in a final state)")
    if tally.doubles:
        found.append(f"{tally.doubles} numbers dialled twice for one attempt")
    if tally.orphans:
        found.append(f"{tally.orphans} calls without an attempt row")
    return found


HEADER = (
    "scenario",
    "callbacks",
    "calls",
    "lost",
    "doubles",
    "no attempt",
    "stale refused",
    "on hold",
    "served",
    "hung up",
    "lost on hold",
    "double bridges",
    "s",
)


def held_cells(held: HeldTally | None) -> tuple[str, ...]:
    """The held columns: callers, served, hung up, lost, double bridges (agent or caller)."""
    if held is None:
        return ("-",) * 5
    bridges = held.double_bridges + held.agent_overlaps
    return tuple(str(n) for n in (held.callers, held.served, held.abandoned, held.lost, bridges))


def rows(figures: Sequence[Figures]) -> list[tuple[str, ...]]:
    """The table's cells, one row per scenario."""
    return [
        (
            f.scenario,
            str(f.tally.callbacks),
            str(f.tally.calls),
            str(f.tally.lost),
            str(f.tally.doubles),
            str(f.tally.orphans),
            f.stale_refused,
            *held_cells(f.held),
            f"{f.duration_s:.0f}",
        )
        for f in figures
    ]


def table(figures: Sequence[Figures]) -> str:
    """A plain-text table with aligned columns, a verdict column and the failures below."""
    cells = [(*HEADER, "result")] + [
        (*row, "pass" if f.passed else "FAIL")
        for row, f in zip(rows(figures), figures, strict=True)
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    for f in figures:
        lines.extend(f"{f.scenario}: {failure}" for failure in f.failures)
        if f.notes:
            lines.append(f"{f.scenario}: {f.notes}")
    return "\n".join(line.rstrip() for line in lines)
