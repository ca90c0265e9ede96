"""CSV downloads: cells a spreadsheet cannot run, and the request list with numbers masked."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse

from callback.privacy import mask_number
from callback.store.engine import read_transaction
from callback.store.listing import Listed, RequestFilter, list_requests
from callback.store.users import User
from webhooks.console.guard import requires
from webhooks.console.requests import WATCHERS, filter_of
from webhooks.console.state import audit
from webhooks.services import Services, services

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's list)."""
CHUNK = 1000
REQUEST_COLUMNS = (
    "id", "queue", "state", "channel", "number_masked", "name", "priority", "created_at",
    "due_at", "attempts",
)  # fmt: skip


def safe_cell(value: object) -> str:
    """The value as text, with a leading quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_line(cells: Iterable[object]) -> str:
    """One CSV record (RFC 4180: CRLF, quotes where needed), every cell made safe."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


def filename_part(text: str) -> str:
    """`text` reduced to characters safe in a download's file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:60]


def csv_download(lines: AsyncIterator[str] | Iterable[str], filename: str) -> StreamingResponse:
    """A CSV attachment named `filename`."""
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _page(svc: Services, wanted: RequestFilter) -> tuple[list[Listed], bool]:
    with read_transaction(svc.store.engine) as connection:
        return list_requests(connection, wanted, size=CHUNK)


def _record(row: Listed) -> str:
    return csv_line(
        (
            row.id, row.queue, row.state, row.channel, mask_number(row.number), row.name,
            row.priority, row.created_at.isoformat(), row.due_at.isoformat(), row.attempts,
        )
    )  # fmt: skip


async def request_lines(svc: Services, wanted: RequestFilter) -> AsyncIterator[str]:
    """The header, then every matching request newest first, read a thousand at a time."""
    yield csv_line(REQUEST_COLUMNS)
    page = replace(wanted, before=None)
    while True:
        rows, more = await run_in_threadpool(_page, svc, page)
        for row in rows:
            yield _record(row)
        if not more or not rows:
            return
        page = replace(page, before=int(rows[-1].id))


def _described(wanted: RequestFilter) -> str:
    shown = {
        "queue": wanted.queue,
        "state": wanted.state,
        "channel": wanted.channel,
        "day": wanted.day.isoformat() if wanted.day else None,
    }
    return " ".join(f"{key}={value}" for key, value in shown.items() if value) or "all"


@requires(*WATCHERS)
async def requests_csv(request: Request, user: User) -> StreamingResponse:
    """The request list's matches (every page) as CSV, numbers masked; audited."""
    svc, wanted = services(request), filter_of(request)
    audit(request).record(user.name, "export-requests", _described(wanted), svc.clock())
    name = "holdless-requests"
    for part in (wanted.queue, wanted.state, wanted.channel):
        name += f"-{filename_part(part)}" if part else ""
    name += f"-{wanted.day.isoformat()}" if wanted.day else ""
    return csv_download(request_lines(svc, wanted), f"{name}.csv")
