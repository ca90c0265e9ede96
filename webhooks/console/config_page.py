"""The config page: the version in force, the last refused edit, what each applied edit changed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from callback.store import ConfigChange
from callback.store.users import Role, User
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.services import services

SHOWN = 20
"""Applied changes listed (one more is read: the oldest shown diffs against it)."""


@dataclass(frozen=True, slots=True)
class ShownChange:
    """An applied change with the diff from the version it replaced (None: that text not kept)."""

    change: ConfigChange
    diff: str | None


@requires(Role.SUPERVISOR, Role.VIEWER)
async def config_page(request: Request, user: User) -> Response:
    """The active config, the last refused edit with its errors, and the applied changes."""
    svc = services(request)
    status = svc.config.status()
    changes = await run_in_threadpool(svc.store.config_changes, SHOWN + 1)
    context: dict[str, object] = {
        "file": status["path"],
        "hash": status["hash"],
        "loaded_at": status["loaded_at"],
        "last_error": status["last_error"],
        "changes": with_diffs(changes)[:SHOWN],
        "applied": _hash(request.query_params.get("applied", "")),
    }
    return render(request, "config.html", user, status=200, **context)


def _hash(value: str) -> str:
    """A SHA-256 in hex from the dry run's redirect, or nothing."""
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else ""


def with_diffs(changes: Sequence[ConfigChange]) -> list[ShownChange]:
    """Each change (newest first) with a unified diff from the stored text it replaced."""
    texts = {change.new_hash: change.text for change in changes if change.text is not None}
    return [
        ShownChange(change, _diff(texts.get(change.old_hash or ""), change)) for change in changes
    ]


def _diff(before: str | None, change: ConfigChange) -> str | None:
    if before is None or change.text is None:
        return None
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        change.text.splitlines(keepends=True),
        fromfile=f"{change.path} ({(change.old_hash or '')[:12]})",
        tofile=f"{change.path} ({change.new_hash[:12]})",
    )
    return "".join(lines)
