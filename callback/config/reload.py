"""Hot reload: notice an edited config file, apply it if valid, keep the last good one if not.

No threads and no clock reads: the caller polls with `now` (the scheduler every 2 s).
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from callback.config.issues import ConfigError, key_path
from callback.config.loader import parse_config, read_config_bytes
from callback.config.model import SupervisorConfig

logger = logging.getLogger("holdless.config")

_KEYED_SECTIONS = frozenset({"queues", "prompts"})
"""Top-level tables whose changes are reported per entry, e.g. "queues.support"."""


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """A new version of the file that was applied."""

    at: datetime
    path: str
    old_hash: str
    new_hash: str
    sections: tuple[str, ...]
    text: str = ""
    """The applied file's text, kept so that a later reader can see what changed."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "at": self.at.isoformat(),
            "path": self.path,
            "old_hash": self.old_hash,
            "new_hash": self.new_hash,
            "sections": list(self.sections),
        }


@dataclass(frozen=True, slots=True)
class _Refusal:
    digest: str
    error: ConfigError
    at: datetime


def digest_of(data: bytes) -> str:
    """The sha256 of a file's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def changed_sections(old: SupervisorConfig, new: SupervisorConfig) -> tuple[str, ...]:
    """Top-level tables that differ; queues and prompt languages are named one by one."""
    sections: list[str] = []
    for name in SupervisorConfig.model_fields:
        before, after = getattr(old, name), getattr(new, name)
        if name not in _KEYED_SECTIONS:
            sections += [name] if before != after else []
            continue
        for key in sorted(before.keys() | after.keys()):
            if before.get(key) != after.get(key):
                sections.append(key_path((name, key)))
    return tuple(sections)


class ConfigHolder:
    """The live config of one file; `poll` swaps in a valid edit and refuses a bad one."""

    def __init__(
        self,
        path: Path,
        now: datetime,
        on_change: Callable[[ConfigChange], None] | None = None,
        history: int = 20,
        extend: Callable[[SupervisorConfig], SupervisorConfig] | None = None,
    ) -> None:
        self._path = path
        self._on_change = on_change
        # What the process adds to every version of the file (the simulated mode's dev site).
        self._extend = extend or (lambda config: config)
        self._stamp = self._stat()
        data = read_config_bytes(path)
        self._config = self._extend(parse_config(data, str(path)))
        self._digest = digest_of(data)
        self._loaded_at = now
        self._refusal: _Refusal | None = None
        self._history: deque[ConfigChange] = deque(maxlen=history)

    @property
    def current(self) -> SupervisorConfig:
        """The config in force; replaced whole, never mutated, so one read is consistent."""
        return self._config

    @property
    def digest(self) -> str:
        """The sha256 of the file version in force."""
        return self._digest

    def poll(self, now: datetime) -> ConfigChange | ConfigError | None:
        """Look at the file once: the change applied, the error refusing it, or None."""
        stamp = self._stat()
        if stamp is not None and stamp == self._stamp:
            return None
        try:
            data = read_config_bytes(self._path)
        except ConfigError as error:
            self._stamp = None
            return self._refuse("", error, now)
        self._stamp = stamp
        digest = digest_of(data)
        if digest == self._digest:
            self._refusal = None
            return None
        try:
            config = parse_config(data, str(self._path))
        except ConfigError as error:
            return self._refuse(digest, error, now)
        return self._apply(self._extend(config), digest, data.decode("utf-8", "replace"), now)

    def status(self) -> dict[str, object]:
        """JSON-ready state: file, version in force, last refusal, recent changes."""
        refusal = self._refusal
        last_error = None
        if refusal is not None:
            last_error = {"text": refusal.error.text(), "at": refusal.at.isoformat()}
        return {
            "path": str(self._path),
            "hash": self._digest,
            "loaded_at": self._loaded_at.isoformat(),
            "last_error": last_error,
            "recent_changes": [change.as_dict() for change in reversed(self._history)],
        }

    def _stat(self) -> tuple[int, int] | None:
        # mtime in nanoseconds plus size: cheap, and a same-size edit within one
        # filesystem timestamp tick is the only change it can miss until the next write.
        try:
            info = self._path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def _refuse(self, digest: str, error: ConfigError, now: datetime) -> ConfigError:
        if self._refusal is not None and self._refusal.digest == digest:
            return self._refusal.error
        self._refusal = _Refusal(digest, error, now)
        logger.warning("config edit refused, the previous config stays:\n%s", error.text())
        return error

    def _apply(
        self, config: SupervisorConfig, digest: str, text: str, now: datetime
    ) -> ConfigChange:
        change = ConfigChange(
            at=now,
            path=str(self._path),
            old_hash=self._digest,
            new_hash=digest,
            sections=changed_sections(self._config, config),
            text=text,
        )
        self._config, self._digest, self._loaded_at = config, digest, now
        self._refusal = None
        self._history.append(change)
        logger.info(
            "config %s applied (%s): %s",
            change.path,
            digest[:12],
            ", ".join(change.sections) or "no setting changed",
        )
        if self._on_change is not None:
            self._on_change(change)
        return change
