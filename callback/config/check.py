"""`holdless config check FILE`: validate a file and say what it sets, or everything wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from callback.config.issues import ConfigError
from callback.config.loader import load_config
from callback.config.summary import summarise


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on a file and the text to print (exit status 0 when `ok`, else 1)."""

    ok: bool
    text: str


def check_file(path: Path) -> CheckResult:
    """A summary of a valid file, or one "file: key.path: rule" line per issue."""
    try:
        config = load_config(path)
    except ConfigError as error:
        return CheckResult(ok=False, text=error.text())
    return CheckResult(ok=True, text="\n".join([f"{path}: OK", *summarise(config)]))
