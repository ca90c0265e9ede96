"""The request list: filters, masked numbers, paging; a supervisor's reveal and actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.privacy import mask_number
from callback.service.steer import Refused, cancel, move_to, move_up
from callback.store.engine import read_transaction
from callback.store.listing import RequestFilter, list_requests
from callback.store.users import Role, User
from callback.types import Channel, RequestId, State
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.state import audit
from webhooks.services import Services, services

LIST = "/console/requests"
WATCHERS = (Role.SUPERVISOR, Role.VIEWER)


def _choice(value: str | None, allowed: set[str]) -> str | None:
    return value if value in allowed else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _before(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def filter_of(request: Request) -> RequestFilter:
    """The list's filter from the query string; an unknown value means "any"."""
    params, config = request.query_params, services(request).config.current
    return RequestFilter(
        queue=_choice(params.get("queue"), set(config.queues)),
        state=_choice(params.get("state"), {state.value for state in State}),
        channel=_choice(params.get("channel"), {channel.value for channel in Channel}),
        day=_day(params.get("day")),
        before=_before(params.get("before")),
    )


def _query(wanted: RequestFilter, before: int | None) -> str:
    shown = {
        "queue": wanted.queue or "",
        "state": wanted.state or "",
        "channel": wanted.channel or "",
        "day": wanted.day.isoformat() if wanted.day else "",
    }
    if before is not None:
        shown["before"] = str(before)
    return urlencode({key: value for key, value in shown.items() if value})


def _zone(svc: Services, queue: str) -> tzinfo:
    """The queue's own clock, which the supervisor reads and types times in (UTC for a queue
    that has left the config)."""
    found = svc.config.current.queues.get(queue)
    return UTC if found is None else found.zone


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _page(svc: Services, wanted: RequestFilter) -> tuple[list[dict[str, object]], bool]:
    with read_transaction(svc.store.engine) as connection:
        rows, more = list_requests(connection, wanted)
    shown = [
        {
            "id": row.id,
            "queue": row.queue,
            "state": row.state,
            "channel": row.channel,
            "number": mask_number(row.number),
            "name": row.name or "",
            "priority": row.priority,
            "created": _local(row.created_at, _zone(svc, row.queue)),
            "due": _local(row.due_at, _zone(svc, row.queue)),
            "pending": row.state in {State.WAITING.value, State.SCHEDULED.value},
        }
        for row in rows
    ]
    return shown, more


@requires(*WATCHERS)
async def request_list(request: Request, user: User) -> Response:
    """Matching requests, newest first, fifty to a page."""
    svc = services(request)
    wanted = filter_of(request)
    rows, more = await run_in_threadpool(_page, svc, wanted)
    last = rows[-1]["id"] if rows and more else None
    config = svc.config.current
    return render(
        request,
        "requests.html",
        user,
        rows=rows,
        wanted=wanted,
        older=f"{LIST}?{_query(wanted, last if isinstance(last, int) else None)}" if more else None,
        newer=f"{LIST}?{_query(wanted, None)}" if wanted.before is not None else None,
        here=f"{LIST}?{_query(wanted, wanted.before)}",
        csv=f"/console/requests.csv?{_query(wanted, None)}",
        queues=list(config.queues),
        states=[state.value for state in State],
        channels=[channel.value for channel in Channel],
        can_act=user.role is Role.SUPERVISOR,
        done=request.query_params.get("done", ""),
        refused=request.query_params.get("refused", ""),
    )


def _back(form_value: object) -> str:
    """Where to go after an action: the list (with its filter) and nowhere else."""
    back = form_value if isinstance(form_value, str) else LIST
    return back if back.startswith(LIST) and "//" not in back and "\\" not in back else LIST


def _with(back: str, **notice: str) -> str:
    joiner = "&" if "?" in back else "?"
    return f"{back}{joiner}{urlencode(notice)}"


def _id(request: Request) -> RequestId:
    return RequestId(int(request.path_params["request_id"]))


def _zone_of(svc: Services, request_id: RequestId) -> tzinfo:
    found = svc.store.get(request_id)
    return UTC if found is None else _zone(svc, found.queue)


async def _act(request: Request, user: User, action: str) -> Response:
    svc, request_id = services(request), _id(request)
    form = await request.form()
    back = _back(form.get("back"))
    now = svc.clock()
    try:
        if action == "cancel":
            done = await run_in_threadpool(cancel, svc.store, request_id, now)
            detail = f"request={request_id} state={done.state.value}"
        elif action == "move-up":
            done = await run_in_threadpool(move_up, svc.store, request_id, now)
            detail = f"request={request_id} priority={done.priority}"
        else:
            start = _start(form.get("at"), await run_in_threadpool(_zone_of, svc, request_id))
            done = await run_in_threadpool(move_to, svc.store, request_id, start, now)
            detail = f"request={request_id} due={done.due_at().isoformat()}"
    except Refused as refusal:
        audit(request).record(
            user.name, f"{action}-refused", f"request={request_id} {refusal}", now
        )
        return RedirectResponse(_with(back, refused=str(refusal)), status_code=303)
    audit(request).record(user.name, action, detail, now)
    return RedirectResponse(_with(back, done=f"{action} #{request_id}"), status_code=303)


def _start(value: object, zone: tzinfo) -> datetime:
    """The new time from the form's datetime-local field, read on the queue's clock."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise Refused("the new time is not a date and time")
    return (parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed).astimezone(UTC)


@requires(Role.SUPERVISOR)
async def cancel_request(request: Request, user: User) -> Response:
    """Cancel a waiting request, as the status link and SMS CANCEL do; audited."""
    return await _act(request, user, "cancel")


@requires(Role.SUPERVISOR)
async def move_up_request(request: Request, user: User) -> Response:
    """Raise a waiting request's priority by one; audited."""
    return await _act(request, user, "move-up")


@requires(Role.SUPERVISOR)
async def reschedule_request(request: Request, user: User) -> Response:
    """Schedule a waiting request for a new time; audited."""
    return await _act(request, user, "reschedule")
