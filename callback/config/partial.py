"""The rules across tables of a file whose keys are not all valid, checked on those that are.

pydantic runs `SupervisorConfig`'s cross-table rules only once every key is valid, so a
file with one bad value would hide, say, an agent serving a queue that does not exist.
Leaving the bad keys out (each falls back to its default) lets those rules run anyway.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from callback.config.issues import ConfigError, ConfigIssue, key_path
from callback.config.model import SupervisorConfig

Location = tuple[int | str, ...]


def rules_beyond(document: dict[str, Any], error: ValidationError) -> list[ConfigIssue]:
    """Cross-table issues of `document` without its invalid keys; [] when that is not possible."""
    details = error.errors()
    trimmed = copy.deepcopy(document)
    # A required key cannot be left out, nor a list item without renumbering the rest.
    if any(d["type"] == "missing" for d in details):
        return []
    if not all(leave_out(trimmed, d["loc"]) for d in details):
        return []
    left_out = [key_path(d["loc"]) for d in details]
    try:
        SupervisorConfig.model_validate(trimmed)
    except ValidationError:
        return []  # leaving keys out broke something else: report what was found already
    except ConfigError as rules:
        return [issue for issue in rules.issues if not _within(issue.location, left_out)]
    return []


def leave_out(document: dict[str, Any], location: Location) -> bool:
    """Delete the table key at `location` from `document`; False when there is no such key."""
    parent: Any = document
    for part in location[:-1]:
        if not _has(parent, part):
            return False
        parent = parent[part]
    leaf = location[-1] if location else None
    if isinstance(parent, dict) and isinstance(leaf, str) and leaf in parent:
        del parent[leaf]
        return True
    return False


def _has(container: Any, part: int | str) -> bool:
    if isinstance(container, dict):
        return isinstance(part, str) and part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _within(location: str, left_out: Sequence[str]) -> bool:
    # An issue about a key that was left out (or below it) was already reported as invalid.
    return any(
        location == path or location.startswith((f"{path}.", f"{path}[")) for path in left_out
    )
