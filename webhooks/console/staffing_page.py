"""The staffing-plan form: a queue's entries edited as rows, turned into a proposed config."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from callback.store.users import Role, User
from webhooks.console.dryrun import dry_run_form, file_text
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.staffing_form import (
    BLANK_ROWS,
    KEYS,
    PlanRow,
    form_rows,
    plan_rows,
    with_plan,
)
from webhooks.services import services

MAX_ROWS = 200


@requires(Role.SUPERVISOR)
async def staffing_page(request: Request, user: User) -> Response:
    """The chosen queue's plan from the file, with a few empty rows to add entries."""
    svc = services(request)
    queues = sorted(svc.config.current.queues)
    queue = request.query_params.get("queue") or (queues[0] if queues else "")
    text = await run_in_threadpool(file_text, svc.settings.config_file)
    rows = plan_rows(text, queue)
    status = 200 if rows is not None else 404
    shown = [*(rows or []), *[PlanRow("weekdays", "", "", "")] * BLANK_ROWS]
    context = {
        "queues": queues,
        "queue": queue,
        "rows": shown,
        "days": KEYS,
        "missing": rows is None,
    }
    return render(request, "staffing.html", user, status=status, **context)


@requires(Role.SUPERVISOR)
async def make_staffing(request: Request, user: User) -> Response:
    """The file's text with the queue's new plan, put in the dry run's box (not yet run)."""
    svc = services(request)
    form = await request.form()
    queue = str(form.get("queue", ""))
    raw = str(form.get("rows", "0"))
    count = min(int(raw), MAX_ROWS) if raw.isascii() and raw.isdigit() else 0
    text = await run_in_threadpool(file_text, svc.settings.config_file)
    if plan_rows(text, queue) is None:
        context = {"queues": sorted(svc.config.current.queues), "queue": queue, "rows": []}
        return render(request, "staffing.html", user, 404, days=KEYS, missing=True, **context)
    proposed = with_plan(text, queue, form_rows(form, count))
    return await dry_run_form(request, user, proposed=proposed, made_for=queue)
