"""The routes of `/api/v1` this package serves (the app mounts them after its own)."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route

from webhooks.agents import agent_status
from webhooks.api.callbacks import callback_status, cancel_callback, create_callback
from webhooks.api.cors import preflight
from webhooks.api.guard import DatabaseGuard
from webhooks.api.openapi import PREFIX, openapi
from webhooks.api.queues import abuse_view, queue_estimate, queue_slots
from webhooks.api.verify import verify_callback
from webhooks.api.voicemails import list_voicemails, voicemail_handled
from webhooks.api.widget_style import widget_style
from webhooks.queue_state import queue_state
from webhooks.voice_token import api_voice_token


def api_routes() -> list[BaseRoute]:
    """The public API under `/api/v1`."""
    routes = [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/callbacks", create_callback, methods=["POST"]),
        Route("/callbacks/verify", verify_callback, methods=["POST"]),
        Route("/callbacks/{token}", callback_status, methods=["GET"], name="callback_status"),
        Route("/callbacks/{token}", cancel_callback, methods=["DELETE"]),
        Route("/queues", queue_state, methods=["GET"]),
        Route("/queues/{queue}/estimate", queue_estimate, methods=["GET"]),
        Route("/queues/{queue}/slots", queue_slots, methods=["GET"]),
        Route("/widget", widget_style, methods=["GET"]),
        Route("/abuse", abuse_view, methods=["GET"]),
        Route("/agents/{agent_id}/status", agent_status, methods=["POST"]),
        Route("/agents/{agent_id}/voice-token", api_voice_token, methods=["POST"]),
        Route("/voicemails", list_voicemails, methods=["GET"]),
        Route("/voicemails/{id}/handled", voicemail_handled, methods=["POST"]),
        Route("/{path:path}", preflight, methods=["OPTIONS"]),
    ]
    return [Mount(PREFIX, routes=routes, middleware=[Middleware(DatabaseGuard)])]
