"""What is wrong with a config file, each problem named by its key path and the rule it breaks."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")

_PLAIN_RULES = {
    "missing": "required key is missing",
    "extra_forbidden": "unknown key",
}


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One broken rule at a key path such as "queues.support.hours.monday[1]"."""

    location: str
    rule: str

    def __str__(self) -> str:
        return f"{self.location}: {self.rule}" if self.location else self.rule


class ConfigError(Exception):
    """A config file that cannot be used, with every issue found in it."""

    def __init__(self, path: str, issues: Sequence[ConfigIssue]) -> None:
        self.path = path
        self.issues = tuple(issues)
        super().__init__(self.text())

    def lines(self) -> list[str]:
        """One "file: key.path: rule" line per issue."""
        return [f"{self.path}: {issue}" for issue in self.issues]

    def text(self) -> str:
        """All issues, one per line."""
        return "\n".join(self.lines())


def key_path(location: Iterable[str | int]) -> str:
    """A dotted key path with list indexes, quoting keys that TOML would quote."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
            continue
        segment = part if _BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
        path += f".{segment}" if path else segment
    return path


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _rule(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden" and error["loc"][-1:] == ("secret",):
        return "secrets never go in this file; name an environment variable in secret_env"
    if kind in _PLAIN_RULES:
        return _PLAIN_RULES[kind]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    scalar = isinstance(error["input"], str | int | float | bool)
    return f"{error['msg']} (got {_shown(error['input'])})" if scalar else error["msg"]


def _echo(detail: ErrorDetails, details: list[ErrorDetails]) -> bool:
    # pydantic counts a list's length after dropping bad items, so one bad item in a
    # one-item list also reports "too short"; the item's own error says it all.
    loc = detail["loc"]
    return detail["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in details
    )


def from_validation_error(error: ValidationError) -> list[ConfigIssue]:
    """pydantic's errors as issues, their `loc` tuples turned into key paths."""
    details = error.errors()
    return [
        # A table's key that breaks a rule is named by itself (pydantic appends "[key]").
        ConfigIssue(key_path(part for part in detail["loc"] if part != "[key]"), _rule(detail))
        for detail in details
        if not _echo(detail, details)
    ]


def from_toml_error(error: tomllib.TOMLDecodeError) -> ConfigIssue:
    """A TOML syntax error, located by line and column."""
    message = str(error)
    position = _TOML_POSITION.search(message)
    if position is not None:
        where = f"line {position[1]}, column {position[2]}"
        return ConfigIssue(where, f"TOML syntax: {message[: position.start()]}")
    rule = _TOML_AT_END.sub("", message)
    return ConfigIssue("end of file", f"TOML syntax: {rule}")
