"""Voice access tokens for agents reached at a `client:` identity (a browser phone).

The twilio library's `AccessToken` with a `VoiceGrant`, signed with an API key's secret, lets
Twilio's Voice JavaScript SDK register the agent's `Device` to receive their calls. Two ways
in: the signed-in agent's console session, and the presence API's keys (the agent's own or
the supervisor's). Neither the secret nor a token is ever logged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from callback.config.fields import EndpointKind, endpoint_kind
from callback.config.sections import AgentConfig
from settings import Settings
from webhooks.agents import authorise, bearer
from webhooks.api.errors import ApiProblem, Code, bearer_refused
from webhooks.services import services

CLIENT_PREFIX = "client:"


class VoiceTokenOut(BaseModel):
    """A voice access token for the agent's browser phone, and when it expires."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent: str
    identity: str
    token: str
    expires_at: datetime


def client_identity(agent: AgentConfig) -> str:
    """The agent's `client:` identity; 409 when they are reached at a number or SIP address."""
    if endpoint_kind(agent.endpoint) is not EndpointKind.CLIENT:
        rule = "the agent's endpoint is not a 'client:' identity: no browser phone to register"
        raise ApiProblem(409, Code.NO_BROWSER_PHONE, "endpoint", rule)
    return agent.endpoint.removeprefix(CLIENT_PREFIX)


def voice_token(settings: Settings, agent: AgentConfig, now: datetime) -> VoiceTokenOut:
    """A signed token for `agent`'s identity, valid from `now`; 503 naming what is unset."""
    identity = client_identity(agent)
    missing = settings.voice_token_missing()
    if missing:
        rule = f"voice access tokens are off: set {', '.join(missing)}"
        raise ApiProblem(503, Code.VOICE_TOKENS_OFF, missing[0], rule)
    # Checked by voice_token_missing above; asserted for the type checker.
    assert settings.twilio_account_sid and settings.twilio_api_key_sid
    assert settings.twilio_api_key_secret is not None
    expires = now + timedelta(seconds=settings.voice_token_ttl_seconds)
    token = AccessToken(
        settings.twilio_account_sid,
        settings.twilio_api_key_sid,
        settings.twilio_api_key_secret.get_secret_value(),
        identity=identity,
        nbf=int(now.timestamp()),
        valid_until=int(expires.timestamp()),
    )
    grant = VoiceGrant(outgoing_application_sid=settings.twilio_twiml_app_sid, incoming_allow=True)
    token.add_grant(grant)
    return VoiceTokenOut(
        agent=agent.id, identity=identity, token=token.to_jwt(), expires_at=expires.astimezone(UTC)
    )


def token_response(found: VoiceTokenOut) -> JSONResponse:
    """The token as JSON, never cached."""
    headers = {"Cache-Control": "no-store"}
    return JSONResponse(found.model_dump(mode="json"), headers=headers)


async def api_voice_token(request: Request) -> Response:
    """`POST /api/v1/agents/{agent_id}/voice-token`: for the agent's own key or the supervisor's."""
    svc = services(request)
    try:
        agent = authorise(svc.config.current, request.path_params["agent_id"], bearer(request))
        return token_response(voice_token(svc.settings, agent, svc.clock()))
    except ApiProblem as problem:
        return bearer_refused(problem)
