"""Staffing advice as a terminal table and as JSON: one section per queue."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callback.advice import Advice, SimulatedCheck, Window
from callback.config import format_duration
from callback.goals import AbandonmentGoal, Goal

WIDTH = 100
"""Notes under the table are wrapped to this width."""
_HEAD = (
    f"  {'interval':<15}{'held':>6}{'callbacks':>11}{'handle':>8}{'patience':>10}"
    f"{'model':>7}{'Erlangs':>9}{'needed':>8}{'planned':>9}{'change':>8}"
)


@dataclass(frozen=True, slots=True)
class QueueAdvice:
    """One queue's advice over its window."""

    queue: str
    zone: ZoneInfo
    window: Window
    goal: Goal
    rows: Sequence[Advice]
    handle_prior: timedelta
    simulated: bool = False
    """The rows were checked by simulating the real line."""

    @property
    def has_history(self) -> bool:
        """True when anyone joined the queue's line in the window."""
        return bool(self.rows)


def _span(advice: QueueAdvice) -> str:
    window = advice.window
    days = f"{window.days} day{'s' if window.days > 1 else ''}"
    minutes = f"{window.length.total_seconds() / 60:g}-minute intervals"
    return f"{window.first.isoformat()} for {days}, {minutes}"


def _no_history(advice: QueueAdvice) -> str:
    prior = format_duration(advice.handle_prior)
    return (
        f"  no history: nobody held or asked for a callback in this window.\n"
        f"  Advice needs arrivals (callers on hold or callback requests) in the window, and\n"
        f"  calls served by agents for the handle time (until then the config's\n"
        f"  handle_time_prior, {prior}, stands in); run the service (make run) for a while,\n"
        f"  or choose --from and --days where the queue took calls."
    )


def _figure(goal: Goal) -> str:
    return "share abandoning" if isinstance(goal, AbandonmentGoal) else "service level"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _change(value: float) -> str:
    return "0" if abs(value) < 0.05 else f"{value:+.1f}".removesuffix(".0")


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return format_duration(timedelta(seconds=round(seconds)))


def _label(row: Advice, zone: ZoneInfo) -> str:
    return row.start.astimezone(zone).strftime("%a %d %H:%M") + ("*" if row.running else "")


def _simulated(check: SimulatedCheck | None) -> str:
    if check is None:
        return "-"
    reached = "nobody" if math.isnan(check.outcome) else f"{check.outcome:.0%}"
    return f"{'' if check.met else '>'}{check.agents} ({reached})"


def _line(row: Advice, zone: ZoneInfo, simulated: bool) -> str:
    label = _label(row, zone)
    text = (
        f"  {label:<15}{row.tally.held:>6}{row.tally.callbacks:>11}{_clock(row.handle_s):>8}"
        f"{_clock(row.patience_s):>10}{row.model:>7}{row.traffic:>9.2f}{row.needed:>8}"
        f"{_number(row.planned):>9}{_change(row.difference):>8}{row.at_plan:>10.0%}"
    )
    if simulated:
        text += f"{_simulated(row.simulated):>12}"
    return text


def _wrapped(note: str) -> str:
    return textwrap.fill(note, WIDTH, initial_indent="  ", subsequent_indent="    ")


def _differences(advice: QueueAdvice) -> list[str]:
    """A line per interval where the simulation corrects the formula, saying why."""
    found = []
    for row in advice.rows:
        check = row.simulated
        if check is None or (check.met and check.agents == row.needed):
            continue
        simulated = f"{check.agents}" if check.met else f"more than {check.agents}"
        said = (
            f"{_label(row, advice.zone)}: simulated {simulated}, formula {row.needed}: {check.note}"
        )
        found.append(textwrap.fill(said, WIDTH, initial_indent="  ", subsequent_indent="    "))
    return found


def _simulation_notes(advice: QueueAdvice) -> list[str]:
    reps = sorted({row.simulated.replications for row in advice.rows if row.simulated})
    span = f"{reps[0]}" + (f" to {reps[-1]}" if len(reps) > 1 else "") if reps else ""
    over = f", over {span} replications" if span else ""
    said = (
        f"simulated: the fewest agents with which the real line (callback.simulate) met the "
        f"goal{over}; '-' where only callers on hold joined (the formula's own model)"
    )
    return [_wrapped(said), *_differences(advice)]


def text(report: Sequence[QueueAdvice]) -> str:
    """The advice as a table per queue, for the terminal."""
    blocks = []
    for advice in report:
        title = f"{advice.queue} ({advice.zone.key}): {_span(advice)}\n  goal: {advice.goal}"
        if not advice.has_history:
            blocks.append(f"{title}\n{_no_history(advice)}")
            continue
        simulated = advice.simulated or any(row.simulated for row in advice.rows)
        head = _HEAD + f"{'at plan':>10}" + (f"{'simulated':>12}" if simulated else "")
        lines = [_line(row, advice.zone, simulated) for row in advice.rows]
        notes = [
            f"  at plan: the {_figure(advice.goal)} the formula expects with the planned agents"
        ]
        if simulated:
            notes += _simulation_notes(advice)
        if advice.rows[-1].running:
            notes.append("  * still running: measured until now")
        blocks.append("\n".join([title, head, *lines, *notes]))
    return "\n\n".join(blocks) + "\n"


def _goal(goal: Goal) -> dict[str, Any]:
    if isinstance(goal, AbandonmentGoal):
        return {"kind": "abandonment", "share": goal.share}
    return {"kind": "service_level", "share": goal.share, "within_s": goal.within.total_seconds()}


def _row(row: Advice, zone: ZoneInfo) -> dict[str, Any]:
    tally, check = row.tally, row.simulated
    return {
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
        "local_start": row.start.astimezone(zone).isoformat(),
        "running": row.running,
        "held": tally.held,
        "callbacks": tally.callbacks,
        "offered": tally.offered,
        "served": tally.served,
        "abandoned": tally.abandoned,
        "handle_s": round(row.handle_s, 1),
        "patience_s": None if row.patience_s is None else round(row.patience_s, 1),
        "line_patience_s": None if row.line_patience_s is None else round(row.line_patience_s, 1),
        "model": f"erlang_{row.model.lower()}",
        "traffic_erlangs": round(row.traffic, 4),
        "needed": row.needed,
        "planned": round(row.planned, 2),
        "difference": round(row.difference, 2),
        "at_plan": round(row.at_plan, 4),
        "simulated": _check(check),
    }


def _finite(value: float) -> float | None:
    """JSON has no NaN or infinity: a figure nobody defines (or no interval) is null."""
    return round(value, 4) if math.isfinite(value) else None


def _check(check: SimulatedCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "agents": check.agents,
        "met": check.met,
        "outcome": _finite(check.outcome),
        "ci95": _finite(check.half),
        "at_needed": None if check.at_needed is None else _finite(check.at_needed),
        "note": check.note,
        "replications": check.replications,
    }


def as_json(report: Sequence[QueueAdvice]) -> dict[str, Any]:
    """The advice for machines: every figure, per queue and interval."""
    return {
        "queues": [
            {
                "queue": advice.queue,
                "time_zone": advice.zone.key,
                "from": advice.window.first.isoformat(),
                "days": advice.window.days,
                "interval_s": advice.window.length.total_seconds(),
                "goal": _goal(advice.goal),
                "history": advice.has_history,
                "simulated": advice.simulated,
                "rows": [_row(row, advice.zone) for row in advice.rows],
            }
            for advice in report
        ]
    }
