"""The agent's own call on their screen: the person now, live updates, wrap-up, voice token.

Every endpoint here is keyed by the signed-in agent's roster id only: no route takes an
agent id, so one agent can neither read another's party nor write another's wrap-up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from callback.store.agent_screen import AgentScreenStore
from callback.store.presence import AgentStatus
from callback.store.users import Role, User
from callback.store.wrap_up import MAX_NOTES, NoteExists, OfferKind, WrapUp, WrapUpStore
from callback.types import AgentId
from webhooks.agents import Chosen
from webhooks.api.errors import ApiProblem, Code
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.party_view import party_view, phase
from webhooks.console.state import audit
from webhooks.services import Services, services
from webhooks.voice_token import token_response, voice_token

STREAM_LIFETIME = timedelta(minutes=10)
"""A stream ends after this; EventSource reconnects, and the session is checked again."""
POLL_SECONDS = 1.0
KEEPALIVE_EVERY = 15


def agent_of(user: User) -> AgentId:
    """The roster agent a signed-in agent user is tied to."""
    assert user.agent_id is not None  # the table's check ties every agent user to one
    return AgentId(user.agent_id)


def screen_context(svc: Services, agent: AgentId) -> dict[str, Any]:
    """The party section's values for `agent` now (their own offer only)."""
    now = svc.clock()
    presence = svc.presence.get(agent)
    status = presence.status if presence is not None else AgentStatus.OFFLINE
    party = AgentScreenStore(svc.store.engine).party(agent)
    return {
        "current": status.value,
        "since": presence.since.strftime("%H:%M UTC") if presence is not None else "",
        "party": party_view(party, status, now) if party is not None else None,
        "dispositions": svc.config.current.console.dispositions,
        "max_notes": MAX_NOTES,
    }


def fingerprint(svc: Services, agent: AgentId) -> str:
    """What the screen depends on: status, offer and its phase; a change means redraw."""
    seen = AgentScreenStore(svc.store.engine).glance(agent)
    offer = seen.offer
    if offer is None:
        return json.dumps([seen.status, None, None, None, None, False])
    busy = seen.status == AgentStatus.BUSY.value
    shown = phase(ended=offer.ended_at is not None or not busy, talking=seen.talking)
    note_due = offer.ended_at is not None and offer.talked
    return json.dumps([seen.status, offer.kind.value, offer.id, shown, note_due, seen.noted])


@requires(Role.AGENT)
async def my_party(request: Request, user: User) -> Response:
    """The party section alone (the screen's script swaps it in when the stream says so)."""
    context = await run_in_threadpool(screen_context, services(request), agent_of(user))
    return render(request, "party.html", user, **context)


@requires(Role.AGENT)
async def my_stream(request: Request, user: User) -> Response:
    """`text/event-stream`: a `change` event whenever the agent's status or offer moves."""
    events = _events(request, services(request), agent_of(user))
    headers = {"X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


async def _events(request: Request, svc: Services, agent: AgentId) -> AsyncIterator[str]:
    yield f"retry: {round(POLL_SECONDS * 2000)}\n\n"
    last, quiet = None, 0
    for _ in range(int(STREAM_LIFETIME.total_seconds() / POLL_SECONDS)):
        if await request.is_disconnected():
            return
        seen = await run_in_threadpool(fingerprint, svc, agent)
        if seen != last:
            last, quiet = seen, 0
            yield f"event: change\ndata: {seen}\n\n"
        else:
            quiet += 1
            if quiet % KEEPALIVE_EVERY == 0:
                yield ": still here\n\n"
        await asyncio.sleep(POLL_SECONDS)


@requires(Role.AGENT)
async def wrap_up(request: Request, user: User) -> Response:
    """Store the agent's notes and disposition for their own ended call; ends wrap-up."""
    svc, agent = services(request), agent_of(user)
    form = await request.form()
    disposition, notes = str(form.get("disposition", "")), str(form.get("notes", ""))
    if disposition not in svc.config.current.console.dispositions:
        return await _refused(request, user, 422, "disposition: one of the configured codes")
    if len(notes) > MAX_NOTES:
        return await _refused(request, user, 422, f"notes: at most {MAX_NOTES} characters")
    offer = AgentScreenStore(svc.store.engine).offer_now(agent)
    wanted = (str(form.get("kind", "")), str(form.get("offer", "")))
    if offer is None or wanted != (offer.kind.value, str(offer.id)):
        return await _refused(request, user, 409, "that call is not the one on your screen")
    if offer.ended_at is None:
        return await _refused(request, user, 409, "the call is still going: wrap up after it")
    request_id = offer.subject if offer.kind is OfferKind.CALLBACK else None
    note = WrapUp(offer.kind, offer.id, agent, user.name, request_id, disposition, notes)
    now = svc.clock()
    try:
        ended = WrapUpStore(svc.store.engine).write(note, now)
    except NoteExists:
        return await _refused(request, user, 409, "this call already has its wrap-up")
    detail = f"agent={agent} {offer.kind.value}={offer.id} disposition={disposition}"
    audit(request).record(user.name, "wrap-up", detail, now)
    kick = BackgroundTask(svc.dispatcher.kick, agent) if ended else None
    return RedirectResponse("/console/?wrapped=1", status_code=303, background=kick)


async def _refused(request: Request, user: User, status: int, rule: str) -> Response:
    svc, agent = services(request), agent_of(user)
    audit(request).record(user.name, "wrap-up-refused", f"agent={agent} {rule}", svc.clock())
    return await run_in_threadpool(my_state_page, request, user, status, wrap_refused=rule)


def my_state_page(request: Request, user: User, status: int = 200, **notice: str) -> Response:
    """The agent's screen: their state and its form, and the person of their offer now."""
    svc = services(request)
    roster = svc.config.current.agents
    name = next((a.name for a in roster if a.id == user.agent_id), str(user.agent_id))
    shown = request.query_params.get("set")
    context: dict[str, Any] = {
        "agent": name,
        "choices": [choice.value for choice in Chosen],
        "statuses": [status.value for status in AgentStatus],
        "just_set": shown if status == 200 and shown in set(Chosen) else None,
        "wrapped": status == 200 and request.query_params.get("wrapped") == "1",
        **screen_context(svc, agent_of(user)),
    }
    return render(request, "my_state.html", user, status=status, **context, **notice)


@requires(Role.AGENT)
async def my_voice_token(request: Request, user: User) -> Response:
    """A voice access token for the signed-in agent's browser phone (JSON)."""
    svc = services(request)
    roster = {agent.id: agent for agent in svc.config.current.agents}
    agent = roster.get(agent_of(user))
    if agent is None:
        return ApiProblem(
            409, Code.NOT_IN_ROSTER, "agent", "you are not in the roster now"
        ).response()
    try:
        return token_response(voice_token(svc.settings, agent, svc.clock()))
    except ApiProblem as problem:
        return problem.response()
