"""The home page of each role: the wallboard's place for supervisors and viewers, and the
agent's own state, which the agent sets through the same presence use case as the API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.store.presence import AgentStatus
from callback.store.users import Role, User
from callback.types import AgentId
from webhooks.agents import Chosen, set_presence
from webhooks.api.errors import ApiProblem
from webhooks.console.guard import requires
from webhooks.console.my_call import my_state_page
from webhooks.console.pages import render
from webhooks.console.state import audit
from webhooks.console.wallboard import wallboard_page
from webhooks.services import services

MY_STATE = "/console/"


@requires(*Role)
async def home(request: Request, user: User) -> Response:
    """Each role's first screen."""
    if user.role is Role.AGENT:
        return _my_state(request, user)
    return await wallboard_page(request, user)


def _my_state(request: Request, user: User, status: int = 200, **notice: str) -> Response:
    return my_state_page(request, user, status, **notice)


@requires(Role.AGENT)
async def set_my_state(request: Request, user: User) -> Response:
    """The agent sets their own presence; every change is audited."""
    assert user.agent_id is not None
    form = await request.form()
    chosen = str(form.get("status", ""))
    if chosen not in set(Chosen):
        return _my_state(request, user, status=422, refused="one of available, away, offline")
    svc = services(request)
    if user.agent_id not in {agent.id for agent in svc.config.current.agents}:
        return _my_state(request, user, status=409, refused="you are not in the roster now")
    target = AgentStatus(chosen)
    try:
        kick = set_presence(svc, AgentId(user.agent_id), target, "set by the agent (console)")
    except ApiProblem as problem:
        return _my_state(request, user, status=problem.status, refused=problem.message)
    detail = f"agent={user.agent_id} status={target.value}"
    audit(request).record(user.name, "presence", detail, svc.clock())
    # Post/redirect/get: a reload does not send the form again.
    return RedirectResponse(f"{MY_STATE}?set={target.value}", status_code=303, background=kick)


async def not_found(request: Request) -> Response:
    """The console's page for a path it does not have."""
    return render(request, "message.html", None, status=404, message_key="not_found")
