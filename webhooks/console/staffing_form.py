"""A queue's staffing plan as form rows, and back into the config text with its comments kept."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

import tomlkit

from callback.config.week import DAY_KEYS

KEYS = ("weekdays", "weekend", "daily", *DAY_KEYS)
"""The day keys a staffing plan takes, in the order the form offers them."""
BLANK_ROWS = 3


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One `{from, to, agents}` entry under one day key, as the form shows it."""

    day: str
    start: str
    end: str
    agents: str


def plan_rows(text: str, queue: str) -> list[PlanRow] | None:
    """The queue's entries in file order; None when the text has no such queue or is not TOML."""
    try:
        queues = tomllib.loads(text).get("queues", {})
    except tomllib.TOMLDecodeError:
        return None
    table = queues.get(queue) if isinstance(queues, dict) else None
    if not isinstance(table, dict):
        return None
    staffing = table.get("staffing", {})
    return [
        PlanRow(day, str(entry.get("from", "")), str(entry.get("to", "")), str(entry.get("agents")))
        for day, entries in (staffing.items() if isinstance(staffing, dict) else ())
        for entry in (entries if isinstance(entries, list) else ())
        if isinstance(entry, dict)
    ]


def form_rows(form: Mapping[str, object], count: int) -> list[PlanRow]:
    """The rows sent, those without agents and times left out (that is how a row is removed)."""
    rows = []
    for n in range(count):
        row = PlanRow(*(str(form.get(f"{name}_{n}", "")).strip() for name in _FIELDS))
        if row.agents or row.start or row.end:
            rows.append(row)
    return rows


_FIELDS = ("day", "from", "to", "agents")


def _entry(row: PlanRow) -> tomlkit.items.InlineTable:
    entry = tomlkit.inline_table()
    # A number stays a number; anything else goes in as text, for the check to name.
    agents: int | str = (
        int(row.agents) if row.agents.isascii() and row.agents.isdigit() else row.agents
    )
    entry.update({"from": row.start, "to": row.end, "agents": agents})
    return entry


def with_plan(text: str, queue: str, rows: list[PlanRow]) -> str:
    """`text` with the queue's staffing replaced by `rows`; every other line as it was."""
    document = tomlkit.parse(text)
    table = document["queues"][queue]
    plan = tomlkit.table()
    # An unknown day key is written too, so that the check names it rather than it vanishing.
    for day in [*KEYS, *sorted({row.day for row in rows} - set(KEYS))]:
        entries = [_entry(row) for row in rows if row.day == day]
        if entries:
            listed = tomlkit.array()
            listed.extend(entries)
            plan[day] = listed.multiline(len(entries) > 1)
    table["staffing"] = plan
    return tomlkit.dumps(document)
