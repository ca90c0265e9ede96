"""The dry-run page: a supervisor simulates a proposed config beside the current one, applies it."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.config import ConfigError
from callback.config.reload import digest_of
from callback.simulate.arrivals import Interval
from callback.simulate.check import Trials
from callback.simulate.compare import Figure
from callback.store.users import Role, User
from webhooks.console.dryrun_work import (
    DAYS,
    MAX_TEXT,
    REPLICATIONS,
    Ask,
    Busy,
    Outcome,
    Refused,
    Stale,
    arrivals,
    normalised,
    simulate,
    validate,
    write_config,
)
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.state import audit, state_of
from webhooks.services import services
from webhooks.staffing_advice import advice_today

PAGE = "/console/config/dry-run"
SOURCE = "proposed"
"""How the errors of the pasted text name it."""
ADVICE_INTERVAL = timedelta(hours=1)
"""The staffing advice's interval: the dry run's table is hourly too. The advice is checked by
the simulation of the real line, as `holdless staffing advise --simulate` checks it."""
COLUMNS: tuple[tuple[str, str, Callable[[float], str]], ...] = (
    ("offered", "dr_offered", lambda v: f"{v:.0f}"),
    ("served_from_hold", "dr_held", lambda v: f"{v:.0f}"),
    ("service_level", "dr_sl", lambda v: f"{v:.0%}"),
    ("asa_s", "dr_asa", lambda v: f"{v:.0f}"),
    ("abandonment", "dr_aband", lambda v: f"{v:.0%}"),
    ("callbacks_completed", "dr_cb_done", lambda v: f"{v:.0f}"),
    ("callback_wait_s", "dr_cb_wait", lambda v: f"{v / 60:.1f}"),
    ("promises_broken", "dr_broken", lambda v: f"{v:.1f}"),
    ("occupancy", "dr_occupancy", lambda v: f"{v:.0%}"),
    ("reserved_idle_s", "dr_reserved_idle", lambda v: f"{v / 60:.0f}"),
)


def _shown(figure: Figure, shown: Callable[[float], str]) -> str:
    return "–" if math.isnan(figure.mean) else shown(figure.mean)


def _cells(current: dict[str, Figure], proposed: dict[str, Figure]) -> list[tuple[str, str]]:
    return [(_shown(current[k], f), _shown(proposed[k], f)) for k, _, f in COLUMNS]


def _tables(outcome: Outcome) -> list[dict[str, object]]:
    """Per queue: the verdict, each interval's cells (current, proposed) and the whole day's."""
    return [
        {
            "queue": report.queue,
            "verdict": report.verdict,
            "rows": [(row.start, _cells(row.current, row.proposed)) for row in report.rows],
            "total": _cells(report.current, report.proposed),
        }
        for report in outcome.reports
    ]


async def _page(request: Request, user: User, status: int = 200, **context: object) -> Response:
    svc = services(request)
    defaults: dict[str, object] = {
        "proposed": "",
        "forecast": "",
        "start": svc.clock().date().isoformat(),
        "days": 1,
        "replications": 5,
        "base": svc.config.digest,
        "errors": [],
        "refused": None,
        "outcome": None,
        "made_for": None,
        "advice": None,  # filled after a run: the proposed plan beside the agents needed
        "columns": [label for _, label, _ in COLUMNS],
        "limits": {"days": DAYS, "replications": REPLICATIONS},
    }
    if not context.get("proposed"):
        context["proposed"] = await run_in_threadpool(file_text, svc.settings.config_file)
    return render(request, "dryrun.html", user, status=status, **(defaults | context))


def file_text(path: Path) -> str:
    """The config file's text; empty when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


async def dry_run_form(request: Request, user: User, **context: object) -> Response:
    """The dry-run page with `context` (a proposed text made elsewhere, say)."""
    return await _page(request, user, 200, **context)


@requires(Role.SUPERVISOR)
async def dry_run_page(request: Request, user: User) -> Response:
    """The form, the current file's text in it."""
    return await _page(request, user)


async def _text(form: FormData, field: str) -> str:
    """A pasted text, or the uploaded file's when one was chosen (it then fills the box)."""
    upload = form.get(f"{field}_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_TEXT + 1)
        return normalised(data.decode("utf-8", "replace"))
    value = form.get(field, "")
    return normalised(value if isinstance(value, str) else "")


def _number(form: FormData, field: str, allowed: range) -> int | str:
    raw = str(form.get(field, ""))
    if not (raw.isascii() and raw.isdigit()) or int(raw) not in allowed:
        return f"{field}: a whole number within {allowed.start}..{allowed.stop - 1}"
    return int(raw)


def _ask(form: FormData, proposed: str, forecast: str) -> Ask | list[str]:
    errors: list[str] = []
    days, replications = _number(form, "days", DAYS), _number(form, "replications", REPLICATIONS)
    errors += [found for found in (days, replications) if isinstance(found, str)]
    try:
        start = date.fromisoformat(str(form.get("start", "")))
    except ValueError:
        errors.append("start: a date as YYYY-MM-DD")
        start = date.min
    if max(len(proposed.encode()), len(forecast.encode())) > MAX_TEXT:
        errors.append(f"the config and the forecast may each be at most {MAX_TEXT // 1024} KiB")
    if errors or isinstance(days, str) or isinstance(replications, str):
        return errors
    return Ask(proposed, forecast, start, days, replications)


@requires(Role.SUPERVISOR)
async def run_dry_run(request: Request, user: User) -> Response:
    """Check the proposal as `holdless config check` does, then simulate it beside the current."""
    svc = services(request)
    form = await request.form()
    try:
        proposed, forecast = await _text(form, "proposed"), await _text(form, "forecast")
    finally:
        await form.close()  # the uploads' spooled files
    kept: dict[str, object] = {"proposed": proposed, "forecast": forecast}
    kept |= {name: str(form.get(name, "")) for name in ("start", "days", "replications")}
    ask = _ask(form, proposed, forecast)
    if isinstance(ask, list):
        return await _page(request, user, 422, errors=ask, **kept)
    try:
        config = validate(proposed, SOURCE)
    except ConfigError as error:
        return await _page(request, user, 422, errors=error.lines(), **kept)
    current, base, now = svc.config.current, svc.config.digest, svc.clock()

    def rows() -> tuple[Interval, ...]:
        return arrivals(ask, svc.store.engine, current, now)

    try:
        work = functools.partial(simulate, current, config, rows, ask)
        outcome = await run_in_threadpool(state_of(request).dry_runs.run, user.name, work)
    except Busy:
        return await _page(request, user, 429, refused="busy", **kept)
    except Refused as refusal:
        return await _page(request, user, 422, errors=[str(refusal)], **kept)
    detail = f"proposed={digest_of(proposed.encode())[:12]} days={ask.days} reps={ask.replications}"
    audit(request).record(user.name, "config-dry-run", detail, now)
    # The chart is the engine's own SVG, every text in it escaped where it is drawn.
    chart = Markup(outcome.svg)  # noqa: S704
    checked = functools.partial(advice_today, config, svc.store.engine, now, ADVICE_INTERVAL)
    advice = await run_in_threadpool(checked, Trials())
    shown: dict[str, object] = {"outcome": _tables(outcome), "chart": chart, "base": base}
    shown["advice"] = advice
    return await _page(request, user, 200, **kept, **shown)


@requires(Role.SUPERVISOR)
async def apply_dry_run(request: Request, user: User) -> Response:
    """Write the dry-run text over the config file, unless the file changed since; audited."""
    svc = services(request)
    form = await request.form()
    proposed = normalised(str(form.get("proposed", "")))
    base = str(form.get("base", ""))
    path = svc.settings.config_file
    kept: dict[str, object] = {"proposed": proposed, "base": base}
    try:
        lock = state_of(request).dry_runs.writing
        before, after = await run_in_threadpool(write_config, path, proposed, base, lock)
    except ConfigError as error:
        return await _page(request, user, 422, errors=error.lines(), **kept)
    except Stale as stale:
        return await _page(request, user, 409, refused="stale", now_hash=stale.now, **kept)
    detail = f"file={path} before={before} after={after}"
    audit(request).record(user.name, "config-apply", detail, svc.clock())
    return RedirectResponse(f"/console/config?applied={after}", status_code=303)
