"""`POST /api/v1/agents/{agent_id}/status`: an agent (or the supervisor) sets presence.

Keys live in the config only as SHA-256 hashes and are compared in constant time. Errors
are the API's one problem shape (`webhooks.api.errors`): a code, the field and the rule.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.config.sections import AgentConfig
from callback.store.presence import AgentStatus
from callback.types import AgentId
from webhooks.api.body import capped_body, json_object
from webhooks.api.errors import ApiProblem, Code, bearer_refused
from webhooks.services import Services, services

WORKING = frozenset({AgentStatus.BUSY, AgentStatus.WRAP_UP})


class Chosen(StrEnum):
    """The statuses a person may choose; busy and wrap-up follow calls."""

    AVAILABLE = "available"
    AWAY = "away"
    OFFLINE = "offline"


_CHOICES = ", ".join(repr(status.value) for status in Chosen)


class PresenceIn(BaseModel):
    """`POST /api/v1/agents/{agent_id}/status`: the presence a person chooses."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    status: Literal["available", "away", "offline"]


class PresenceOut(BaseModel):
    """The agent's presence once set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent: str
    status: Literal["available", "away", "offline"]


def key_matches(key: str, stored: str | None) -> bool:
    """Whether `key` hashes to the stored SHA-256 hex digest (never true with none stored)."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    # Compared even when nothing is stored, so timing does not tell which keys exist.
    return hmac.compare_digest(digest, stored or "") and stored is not None


def bearer_key(request: Request) -> str | None:
    """The key of the request's `Authorization: Bearer <key>` header; None without one."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def bearer(request: Request) -> str:
    """The bearer credential of the request; 401 if there is none."""
    key = bearer_key(request)
    if key is None:
        raise ApiProblem(
            401, Code.UNAUTHORIZED, "Authorization", "send 'Authorization: Bearer <key>'"
        )
    return key


def authorise(config: SupervisorConfig, agent_id: str, key: str) -> AgentConfig:
    """The agent whose presence `key` may change: their own key or the supervisor's."""
    agent = next((a for a in config.agents if a.id == agent_id), None)
    supervisor = key_matches(key, config.service.supervisor_key_sha256)
    own = agent is not None and key_matches(key, agent.api_key_sha256)
    if not (supervisor or own):
        rule = "this key may not change this agent's presence"
        raise ApiProblem(403, Code.FORBIDDEN, "Authorization", rule)
    if agent is None:
        raise ApiProblem(404, Code.NOT_FOUND, "agent_id", f"no agent {agent_id!r} in the roster")
    return agent


async def chosen_status(request: Request) -> Chosen:
    """The status in the JSON body; 400, 413 or 422 naming the field and the rule otherwise."""
    body = json_object(await capped_body(request))
    try:
        return Chosen(PresenceIn.model_validate(body).status)
    except ValidationError as error:
        raise _refusal(error) from None


def _refusal(error: ValidationError) -> ApiProblem:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "status"
    if first["type"] == "extra_forbidden":
        return ApiProblem(422, Code.UNKNOWN_FIELD, field, "the body holds only 'status'")
    return ApiProblem(422, Code.INVALID_FIELD, "status", f"required, a string: one of {_CHOICES}")


async def agent_status(request: Request) -> Response:
    """Set the agent's presence; becoming available starts a dispatch at once."""
    try:
        return await _set(request)
    except ApiProblem as problem:
        return bearer_refused(problem)


async def _set(request: Request) -> JSONResponse:
    svc = services(request)
    agent = authorise(svc.config.current, request.path_params["agent_id"], bearer(request))
    target = AgentStatus(await chosen_status(request))
    cause = f"set by {'the agent' if _own(request, agent) else 'the supervisor'}"
    kick = set_presence(svc, AgentId(agent.id), target, cause)
    body = {"agent": agent.id, "status": target.value}
    return JSONResponse(body, background=kick)


def set_presence(
    svc: Services, agent_id: AgentId, target: AgentStatus, cause: str
) -> BackgroundTask | None:
    """Move the agent to a chosen `target` status; 409 while a call holds them.

    Returns the dispatch to start once answered when they became available (every channel
    that sets presence, the API and the console, goes through here).
    """
    now = svc.clock()
    current = svc.presence.get(agent_id)
    if current is None:  # an agent new to the roster: give them their (offline) row first
        svc.presence.sync_roster([agent_id], now)
        current = svc.presence.get(agent_id)
    assert current is not None  # just synced
    if current.status in WORKING and target is AgentStatus.AVAILABLE:
        rule = f"the agent is {current.status.value}: available again when that ends"
        raise ApiProblem(409, Code.AGENT_BUSY, "status", rule)
    if current.status is not target and not svc.presence.set_status(
        agent_id, current.status, target, now, cause
    ):
        rule = "the presence changed meanwhile: try again"
        raise ApiProblem(409, Code.PRESENCE_CHANGED, "status", rule)
    # Only this agent's queues, at once: a tick's pass under way is not waited for.
    if target is AgentStatus.AVAILABLE:
        return BackgroundTask(svc.dispatcher.kick, agent_id)
    return None


def _own(request: Request, agent: AgentConfig) -> bool:
    return key_matches(bearer(request), agent.api_key_sha256)
