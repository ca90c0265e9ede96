"""A minimal valid config and helpers to validate it with a TOML snippet merged in."""

from __future__ import annotations

import tomllib
from typing import Any

from callback.config.issues import ConfigError
from callback.config.loader import validate_document
from callback.config.model import SupervisorConfig

MINIMAL = """
[service]
company = "Example Energy"
numbers = ["+44 20 7946 0000"]

[queues.support]
time_zone = "Europe/London"
region = "GB"
hours.weekdays = ["09:00-17:00"]
"""


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`base` with `extra` merged in, table by table; lists and values are replaced."""
    result = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def document(snippet: str = "") -> dict[str, Any]:
    """The minimal config with `snippet` merged over it."""
    return merged(tomllib.loads(MINIMAL), tomllib.loads(snippet))


def build(snippet: str = "") -> SupervisorConfig:
    """A validated config from the minimal one plus `snippet`."""
    return validate_document(document(snippet), "test.toml")


def issues(snippet: str) -> list[tuple[str, str]]:
    """(location, rule) of every issue the minimal config plus `snippet` has."""
    try:
        build(snippet)
    except ConfigError as error:
        return [(issue.location, issue.rule) for issue in error.issues]
    return []
