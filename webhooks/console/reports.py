"""The supervisor's reports: one queue's figures per day or interval over a range, and CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from callback.config import SupervisorConfig
from callback.report import Bucket, Grain, Tally, group, span, total
from callback.store.report_slots import ReportSlots
from callback.store.users import User
from callback.types import QueueName
from webhooks.console.board import DASH, clock_text, percent
from webhooks.console.chart import Series, bar_chart, share_chart
from webhooks.console.export import csv_download, csv_line, filename_part
from webhooks.console.guard import requires
from webhooks.console.i18n import language_of
from webhooks.console.pages import render
from webhooks.console.requests import WATCHERS
from webhooks.console.state import audit
from webhooks.services import Services, services

DEFAULT_DAYS = 7
MOST_DAYS = {Grain.DAY: 92, Grain.HOUR: 31, Grain.HALF_HOUR: 31}
"""The longest range per grain (a month of half hours is already 1,488 rows)."""
CSV_COLUMNS = (
    "start", "offered", "handled", "callbacks_completed", "served_from_hold", "abandoned",
    "service_level", "average_speed_of_answer_s", "abandonment_rate",
    "attempts_per_completed_callback", "promises_kept", "promises_broken", "promises_kept_rate",
    "estimate_mean_abs_error_s", "estimate_within_range_rate", "survey_ratings", "survey_score",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Wanted:
    """The report asked for: a queue, local days `first` to `last`, a grain; what was fixed."""

    queue: QueueName
    first: date
    last: date
    grain: Grain
    problem: str = ""
    """A catalogue key when the asked range had to be changed."""


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def wanted_of(request: Request, config: SupervisorConfig, now: datetime) -> Wanted:
    """The report from the query string: unknown values fall back, a range too long is cut."""
    params = request.query_params
    names = list(config.queues)
    asked = params.get("queue", "")
    queue = QueueName(asked if asked in names else names[0])
    grain = next((g for g in Grain if g.value == params.get("grain")), Grain.DAY)
    today = now.astimezone(config.queues[queue].zone).date()
    last = _day(params.get("to")) or today
    first = _day(params.get("from")) or last - timedelta(days=DEFAULT_DAYS - 1)
    problem = ""
    if first > last:
        first, last, problem = last, first, "rp_swapped"
    longest = MOST_DAYS[grain]
    if (last - first).days >= longest:
        first, problem = last - timedelta(days=longest - 1), "rp_cut"
    return Wanted(queue, first, last, grain, problem)


def compute(svc: Services, wanted: Wanted) -> list[Bucket]:
    """The report's rows, one per local day or interval (closed slots as kept)."""
    settings = svc.config.current.queues[wanted.queue]
    start, end = span(wanted.first, wanted.last, settings.zone)
    slots = ReportSlots(svc.store.engine).tallies(
        wanted.queue, settings.service_level_target, start, end, svc.clock()
    )
    return group(slots, wanted.first, wanted.last, settings.zone, wanted.grain)


def _number(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def shown(label: str, tally: Tally) -> dict[str, str]:
    """One table row's display strings."""
    return {
        "label": label,
        "offered": str(tally.offered),
        "handled": str(tally.handled),
        "completed": str(tally.completed),
        "abandoned": str(tally.abandoned),
        "service_level": percent(tally.service_level),
        "asa": clock_text(tally.average_answer),
        "abandonment": percent(tally.abandonment),
        "attempts": _number(tally.attempts_per_callback),
        "kept": f"{tally.kept} / {tally.kept + tally.broken}",
        "estimate_error": clock_text(tally.estimate_error),
        "estimate_hits": percent(tally.estimate_hit_rate),
        "survey": _number(tally.survey_score),
    }


def label_of(bucket: Bucket, grain: Grain) -> str:
    """A row's name: its local date, or date and time of day."""
    return bucket.start.strftime("%Y-%m-%d" if grain is Grain.DAY else "%Y-%m-%d %H:%M")


def _charts(t: dict[str, str], rows: list[Bucket], grain: Grain) -> list[object]:
    short = "%m-%d" if grain is Grain.DAY else "%d %H:%M"
    labels = [row.start.strftime(short) for row in rows]
    counts = bar_chart(
        "chart-volume",
        t["rp_chart_volume"],
        t["rp_chart_volume_desc"],
        labels,
        [
            Series(t["rp_offered"], "s-offered", [float(r.tally.offered) for r in rows]),
            Series(t["rp_handled"], "s-handled", [float(r.tally.handled) for r in rows]),
        ],
    )
    shares = share_chart(
        "chart-service",
        t["rp_chart_service"],
        t["rp_chart_service_desc"],
        labels,
        [
            Series(t["rp_service_level"], "s-level", [r.tally.service_level for r in rows]),
            Series(t["rp_abandonment"], "s-abandon", [r.tally.abandonment for r in rows]),
        ],
    )
    return [counts, shares]


def _link(kind: str, wanted: Wanted) -> str:
    return (
        f"/console/{kind}?queue={wanted.queue}&from={wanted.first}&to={wanted.last}"
        f"&grain={wanted.grain.value}"
    )


@requires(*WATCHERS)
async def reports_page(request: Request, user: User) -> Response:
    """The report form, two charts and the table of figures."""
    svc = services(request)
    config = svc.config.current
    wanted = wanted_of(request, config, svc.clock())
    rows = await run_in_threadpool(compute, svc, wanted)
    t = dict(language_of(request).texts)
    return render(
        request,
        "reports.html",
        user,
        wanted=wanted,
        queues=list(config.queues),
        grains=[grain.value for grain in Grain],
        target=int(config.queues[wanted.queue].service_level_target.total_seconds()),
        charts=_charts(t, rows, wanted.grain) if rows else [],
        rows=[shown(label_of(row, wanted.grain), row.tally) for row in rows],
        total=shown(t["rp_total"], total(rows)),
        csv=_link("reports.csv", wanted),
    )


def csv_record(label: str, tally: Tally) -> str:
    """One CSV record of raw figures (shares as fractions, times in seconds, blank if none)."""

    def raw(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")

    return csv_line(
        (
            label, tally.offered, tally.handled, tally.completed, tally.served_held,
            tally.abandoned, raw(tally.service_level), raw(tally.average_answer),
            raw(tally.abandonment), raw(tally.attempts_per_callback), tally.kept, tally.broken,
            raw(tally.kept_rate), raw(tally.estimate_error), raw(tally.estimate_hit_rate),
            tally.ratings, raw(tally.survey_score),
        )
    )  # fmt: skip


@requires(*WATCHERS)
async def report_csv(request: Request, user: User) -> Response:
    """The report's rows and total as CSV; audited."""
    svc = services(request)
    wanted = wanted_of(request, svc.config.current, svc.clock())
    rows = await run_in_threadpool(compute, svc, wanted)
    detail = f"queue={wanted.queue} from={wanted.first} to={wanted.last} grain={wanted.grain}"
    audit(request).record(user.name, "export-report", detail, svc.clock())
    lines = [csv_line(CSV_COLUMNS)]
    lines += [csv_record(row.start.isoformat(), row.tally) for row in rows]
    lines.append(csv_record("total", total(rows)))
    name = f"holdless-report-{filename_part(wanted.queue)}-{wanted.first}-{wanted.last}"
    return csv_download(lines, f"{name}-{wanted.grain.value}.csv")
