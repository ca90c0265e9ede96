"""The config of `make run`'s demo: the example, with its queues open round the clock.

The example's hours are a real contact centre's (weekdays 08:00-20:00 in London ...), so
a demo started in the evening or at the weekend met closed queues and never showed a
callback. The demo config says plainly that it is a 24-hour contact centre: every day open
00:00-24:00 with no closures, the roster's agents planned all day, customers rung at any
hour (they are simulated), the Icelandic line answered by sales, and the limit per client
address raised because every simulated web visitor comes from this machine. Everything
else is the example's text, comments included: the edit is made line by line, and the
result is checked by loading it as the service would.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

ALL_DAY = "00:00-24:00"
DEMO_IP_LIMIT = 240
"""Web requests an hour from one address: the demo's visitors all come from 127.0.0.1."""
HEADER = """\
# The demo config of `make run`, written by `holdless config demo` from the example: a
# 24-hour contact centre, so that the demo shows callbacks whatever the hour. The lines
# marked "demo:" differ from holdless.example.toml; copy the example's hours back to try
# real ones (the service re-reads this file within seconds).
#
"""
_HEADER = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


@dataclass
class _Block:
    """A table header with the comments just above it and its lines (or the file's top)."""

    name: str | None
    lines: list[str] = field(default_factory=list)


def demo_config(example: str) -> str:
    """The demo config made from the text of `example`, a supervisor config."""
    parsed = tomllib.loads(example)
    agents = parsed.get("agents", [])
    edits: dict[str, Callable[[_Block], list[str]]] = {}
    for name in parsed.get("queues", {}):
        staff = max(1, sum(1 for agent in agents if name in agent.get("queues", ())))
        edits[f"queues.{name}.hours"] = _replacing(f'daily = ["{ALL_DAY}"]', "open all day")
        edits[f"queues.{name}.closures"] = lambda _block: []
        shift = f'daily = [{{ from = "00:00", to = "24:00", agents = {staff} }}]'
        edits[f"queues.{name}.staffing"] = _replacing(shift, "every agent of the queue")
    edits["calling_window"] = _replacing(
        'start = "00:00"\nend = "24:00"', "simulated customers, rung at any hour"
    )
    out = [HEADER]
    for block in _blocks(example):
        edit = edits.get(block.name or "")
        out.extend(block.lines if edit is None else edit(block))
    text = _set_key("".join(out), "abuse", "per_ip_per_hour", f"{DEMO_IP_LIMIT}", "one address")
    for name, lines in _lines_by_country(parsed).items():
        listed = ", ".join(f'"{line}"' for line in lines)
        text = _set_key(text, f"queues.{name}", "numbers", f"[{listed}]", "its country's line")
    return text


def _lines_by_country(parsed: dict[str, Any]) -> dict[str, list[str]]:
    """Queues that list no line, each with the service lines of its own country."""
    lines = parsed.get("service", {}).get("numbers", [])
    found: dict[str, list[str]] = {}
    for name, queue in parsed.get("queues", {}).items():
        if queue.get("numbers") or "region" not in queue:
            continue
        own = [line for line in lines if _region(line) == queue["region"]]
        if own:
            found[name] = own
    return found


def _region(line: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(line))
    except phonenumbers.NumberParseException:
        return None


def _replacing(statements: str, why: str) -> Callable[[_Block], list[str]]:
    """An edit keeping the block's comments and header, its keys replaced by `statements`."""

    def edit(block: _Block) -> list[str]:
        kept = [line for line in block.lines if not _in_statement(line, block)]
        header = next(i for i, line in enumerate(kept) if _HEADER.match(line))
        new = [f"{line}  # demo: {why}\n" for line in statements.splitlines()]
        return [*kept[: header + 1], *new, *kept[header + 1 :]]

    return edit


def _in_statement(line: str, block: _Block) -> bool:
    return line in _statement_lines(block)


def _statement_lines(block: _Block) -> set[str]:
    found: set[str] = set()
    depth = 0
    for line in block.lines:
        if depth > 0 or _KEY.match(line):
            found.add(line)
            depth += _depth(line)
    return found


def _depth(line: str) -> int:
    code = _STRING.sub('""', line).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


def _blocks(text: str) -> Iterator[_Block]:
    """The file cut at table headers; comments right above a header go with it."""
    current = _Block(None)
    pending: list[str] = []  # comment lines, not yet known to precede a header
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header is not None:
            yield current
            current = _Block(header[1], [*pending, line])
            pending = []
        elif line.startswith("#"):
            pending.append(line)
        else:
            current.lines.extend(pending)
            current.lines.append(line)
            pending = []
    current.lines.extend(pending)
    yield current


def _set_key(text: str, table: str, key: str, value: str, why: str) -> str:
    """`text` with `key` of `[table]` set to `value` (added after the header if missing)."""
    out: list[str] = []
    for block in _blocks(text):
        if block.name == table:
            block = _Block(block.name, _with_key(block.lines, key, value, why))
        out.extend(block.lines)
    return "".join(out)


def _with_key(lines: list[str], key: str, value: str, why: str) -> list[str]:
    line = f"{key} = {value}  # demo: {why}\n"
    for index, old in enumerate(lines):
        if re.match(rf"^{re.escape(key)}\s*=", old):
            return [*lines[:index], line, *lines[index + 1 :]]
    header = next(i for i, old in enumerate(lines) if _HEADER.match(old))
    return [*lines[: header + 1], line, *lines[header + 1 :]]
