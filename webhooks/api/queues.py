"""`GET /api/v1/queues/{queue}/estimate`, `.../slots?date=` and the `/api/v1/abuse` view."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.dispatch.opening import Gate, gate
from callback.request import Slot
from callback.types import QueueName
from webhooks.api.auth import refused, supervisor_only
from webhooks.api.cors import answer, with_cors
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.schemas import AbuseOut, QueueEstimateOut, RefusalOut, SlotOut, SlotsOut
from webhooks.api.state import api_state
from webhooks.api.view import estimate_out, slot_out
from webhooks.services import services
from webhooks.twilio.outlook import SLOT_HORIZON, live_forecast
from webhooks.twilio.turn import Turn


def _turn(request: Request) -> Turn:
    svc = services(request)
    return Turn(svc, svc.config.current, svc.clock(), {})


def _queue(turn: Turn, request: Request) -> QueueName:
    name = request.path_params["queue"]
    if name not in turn.config.queues:
        raise ApiProblem(404, Code.UNKNOWN_QUEUE, "queue", f"there is no queue {name!r}")
    return QueueName(name)


async def queue_estimate(request: Request) -> Response:
    """Open or closed, the wait a newcomer can expect, and whether a callback is offered."""
    turn = _turn(request)
    try:
        queue = _queue(turn, request)
    except ApiProblem as problem:
        return answer(request, problem)
    outlook = await run_in_threadpool(live_forecast, turn, queue)
    schedule, policy = turn.config.queues[queue].schedule(), turn.config.callback_policy(queue)
    out = QueueEstimateOut(
        queue=queue,
        open=outlook.open,
        accepting=gate(schedule, policy, turn.now) is Gate.ACCEPTING,
        next_opening=outlook.next_opening,
        closes_at=outlook.closes_at,
        callback_offered=outlook.offer_callback,
        estimate=estimate_out(outlook.estimate),
    )
    return with_cors(request, JSONResponse(out.model_dump(mode="json")))


async def queue_slots(request: Request) -> Response:
    """The slots of one day (the queue's local date) that still have room."""
    turn = _turn(request)
    try:
        queue = _queue(turn, request)
        day = _day(request.query_params.get("date", ""))
    except ApiProblem as problem:
        return answer(request, problem)
    slots = await run_in_threadpool(_free_on, turn, queue, day)
    out = SlotsOut(queue=queue, date=day, slots=slots)
    return with_cors(request, JSONResponse(out.model_dump(mode="json")))


def _day(raw: str) -> date:
    # fromisoformat also takes "20260302" and week dates; the API promises one form only.
    if len(raw) == 10 and raw[4] == raw[7] == "-":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ApiProblem(422, Code.INVALID_FIELD, "date", "a date like 2026-03-02")


def _free_on(turn: Turn, queue: QueueName, day: date) -> list[SlotOut]:
    settings = turn.config.queues[queue]
    zone = ZoneInfo(settings.time_zone)
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    start, end = max(start, turn.now), min(end, turn.now + SLOT_HORIZON)
    if start >= end:
        return []
    length = turn.config.callback_policy(queue).slot_length
    found: list[SlotOut] = []
    for begin, finish in settings.schedule().slots(start, end, length):
        slot = slot_out(turn, queue, Slot(begin, finish))
        if begin > turn.now and slot.remaining:
            found.append(slot)
    return found


async def abuse_view(request: Request) -> Response:
    """Refusals counted by reason, for the supervisor (bearer key)."""
    try:
        supervisor_only(request, services(request).config.current)
    except ApiProblem as problem:
        return refused(problem)
    counts = await run_in_threadpool(api_state(request).abuse.refusals)
    refusals = [
        RefusalOut(reason=c.reason, count=c.count, first_at=c.first_at, last_at=c.last_at)
        for c in counts
    ]
    out = AbuseOut(refusals=refusals)
    return JSONResponse(out.model_dump(mode="json"))
