"""The agents page: every roster agent's presence and today's figures; a supervisor sets a state."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.report import span
from callback.store.agent_day import AgentDay, agent_days
from callback.store.presence import AgentStatus, Presence
from callback.store.users import Role, User
from callback.types import AgentId
from webhooks.agents import Chosen, set_presence
from webhooks.api.errors import ApiProblem
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.state import audit
from webhooks.services import Services, services

AGENTS = "/console/agents"
CAUSE = "set by the supervisor (console)"


@requires(Role.SUPERVISOR, Role.VIEWER)
async def agents_page(request: Request, user: User) -> Response:
    """Every roster agent with presence, time in state and today's figures."""
    return await _page(request, user)


async def _page(request: Request, user: User, status: int = 200, **notice: str) -> Response:
    svc = services(request)
    now = svc.clock()
    days = await run_in_threadpool(_days, svc, now)
    rows = [_row(svc, agent.id, agent.name, days, now) for agent in svc.config.current.agents]
    shown = request.query_params.get("set", "")
    context: dict[str, object] = {
        "rows": rows,
        "choices": [choice.value for choice in Chosen],
        "may_set": user.role is Role.SUPERVISOR,
        "just_set": shown if status == 200 and shown in set(Chosen) else None,
        "just_agent": _name(svc, request.query_params.get("agent", "")),
    }
    return render(request, "agents.html", user, status=status, **context, **notice)


def local_day(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The day `now` falls in on `zone`'s clock, as a UTC span (23 or 25 hours on a clock
    change)."""
    day = now.astimezone(zone).date()
    return span(day, day, zone)


def _days(svc: Services, now: datetime) -> dict[AgentId, AgentDay]:
    """Each agent's figures over today on the clock of the agent's first queue (one query
    per distinct day: usually one)."""
    config = svc.config.current
    by_day: dict[tuple[datetime, datetime], list[AgentId]] = {}
    for agent in config.agents:
        queue = config.queues.get(agent.queues[0])
        day = local_day(now, ZoneInfo("UTC") if queue is None else queue.zone)
        by_day.setdefault(day, []).append(AgentId(agent.id))
    days: dict[AgentId, AgentDay] = {}
    for day, agents in by_day.items():
        found = agent_days(svc.store.engine, list(config.queues), *day)
        days.update({agent: found[agent] for agent in agents if agent in found})
    return days


def _row(
    svc: Services, agent_id: str, name: str, days: dict[AgentId, AgentDay], now: datetime
) -> dict[str, object]:
    presence = svc.presence.get(AgentId(agent_id))
    day = days.get(AgentId(agent_id), AgentDay())
    return {
        "id": agent_id,
        "name": name,
        "status": presence.status.value if presence is not None else AgentStatus.OFFLINE.value,
        "in_state": _in_state(presence, now),
        "offers": day.offers,
        "handled": day.handled,
        "average": _minutes(day.average_handle),
        "rate": f"{day.answer_rate:.0%}" if day.answer_rate is not None else "–",
        "survey": f"{day.survey_score:.1f}" if day.survey_score is not None else "–",
    }


def _name(svc: Services, agent_id: str) -> str:
    roster = svc.config.current.agents
    return next((agent.name for agent in roster if agent.id == agent_id), agent_id)


def _in_state(presence: Presence | None, now: datetime) -> str:
    if presence is None:
        return "–"
    return _minutes(max(0.0, (now - presence.since).total_seconds()))


def _minutes(seconds: float | None) -> str:
    """Seconds as h:mm:ss; a dash for none."""
    if seconds is None:
        return "–"
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


@requires(Role.SUPERVISOR)
async def set_agent_state(request: Request, user: User) -> Response:
    """A supervisor sets a roster agent's presence, through the API's use case; audited."""
    svc = services(request)
    agent_id = request.path_params["agent_id"]
    chosen = str((await request.form()).get("status", ""))
    if agent_id not in {agent.id for agent in svc.config.current.agents}:
        return await _page(request, user, status=404, refused="no such agent in the roster")
    if chosen not in set(Chosen):
        return await _page(request, user, status=422, refused="one of available, away, offline")
    target = AgentStatus(chosen)
    try:
        kick = set_presence(svc, AgentId(agent_id), target, CAUSE)
    except ApiProblem as problem:
        return await _page(request, user, status=problem.status, refused=problem.message)
    audit(request).record(
        user.name, "presence", f"agent={agent_id} status={target.value}", svc.clock()
    )
    where = f"{AGENTS}?agent={agent_id}&set={target.value}"
    return RedirectResponse(where, status_code=303, background=kick)
