"""`GET /api/v1/queues/{queue}/estimate`, `.../slots?date=` and the `/api/v1/abuse` view."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.dispatch.opening import Gate, gate
from callback.service.slots import slots_on
from callback.types import QueueName
from webhooks.api.auth import refused, supervisor_only
from webhooks.api.cors import answer, with_cors
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.schemas import AbuseOut, QueueEstimateOut, RefusalOut, SlotOut, SlotsOut
from webhooks.api.state import api_state
from webhooks.api.view import estimate_out
from webhooks.services import services


def _queue(config: SupervisorConfig, request: Request) -> QueueName:
    name = request.path_params["queue"]
    if name not in config.queues:
        raise ApiProblem(404, Code.UNKNOWN_QUEUE, "queue", f"there is no queue {name!r}")
    return QueueName(name)


async def queue_estimate(request: Request) -> Response:
    """Open or closed, the wait a newcomer can expect, and whether a callback is offered."""
    svc = services(request)
    config, now = svc.config.current, svc.clock()
    try:
        queue = _queue(config, request)
    except ApiProblem as problem:
        return answer(request, problem)
    # The place and the figure every channel quotes before asking (`callback.service.line`).
    asking = await run_in_threadpool(svc.line.asking, config, queue, now)
    outlook = asking.forecast
    schedule, policy = config.queues[queue].schedule(), config.callback_policy(queue)
    out = QueueEstimateOut(
        queue=queue,
        open=outlook.open,
        accepting=gate(schedule, policy, now) is Gate.ACCEPTING,
        next_opening=outlook.next_opening,
        closes_at=outlook.closes_at,
        callback_offered=outlook.offer_callback,
        estimate=estimate_out(outlook.estimate),
        position=None if outlook.estimate is None else asking.position.number,
    )
    return with_cors(request, JSONResponse(out.model_dump(mode="json")))


async def queue_slots(request: Request) -> Response:
    """The slots of one day (the queue's local date) that still have room."""
    svc = services(request)
    config, now = svc.config.current, svc.clock()
    try:
        queue = _queue(config, request)
        day = _day(request.query_params.get("date", ""))
    except ApiProblem as problem:
        return answer(request, problem)
    free = await run_in_threadpool(slots_on, config, svc.store, queue, day, now)
    slots = [SlotOut(start=slot.start, end=slot.end, remaining=left) for slot, left in free]
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
