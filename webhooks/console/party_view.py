"""What the agent's screen shows about the person of an offer: plain values for the template.

Numbers are masked; context values are shown as text (never as links: a page address comes
from the customer's browser and could be anything).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from callback.privacy import mask_number, mask_text
from callback.store.agent_screen import Earlier, Party
from callback.store.presence import AgentStatus
from callback.types import State
from webhooks.console.board import clock_text

STAMP = "%Y-%m-%d %H:%M UTC"
MAX_VALUE = 300
"""A context value longer than this is cut on screen."""
HIDDEN_KEYS = frozenset(
    {"call_sid", "client", "reason", "recording_url", "recording_seconds", "transcription"}
)
"""Context keys shown elsewhere on the screen, or of no use to the agent."""
PAGE_KEYS = ("page", "url", "page_url", "screen", "app_screen")


def phase(*, ended: bool, talking: bool) -> str:
    """Where an offer stands: offered (ringing), connected, or ended."""
    if ended:
        return "ended"
    return "connected" if talking else "offered"


def _phase(party: Party, status: AgentStatus) -> str:
    request, held = party.request, party.held
    talking = (request is not None and request.state is State.CONNECTED) or (
        held is not None and held.bridged
    )
    ended = party.offer.ended_at is not None or status is not AgentStatus.BUSY
    return phase(ended=ended, talking=talking)


def party_view(party: Party, status: AgentStatus, now: datetime) -> dict[str, Any]:
    """The template's values for `party`, seen by its agent at `now`."""
    offer = party.offer
    view: dict[str, Any] = {
        "kind": offer.kind.value,
        "offer_id": offer.id,
        "queue": offer.queue,
        "phase": _phase(party, status),
        "note_due": offer.ended_at is not None and offer.talked,
        # What only a callback's request has: empty for a caller on hold.
        "page": "",
        "contexts": [],
        "recording_url": "",
        "transcription": "",
    }
    if party.held is not None:
        held = party.held
        view |= {
            "language": held.language,
            "reason": held.reason or "",
            "waited": clock_text((now - held.waiting_since).total_seconds()),
            "number": held.number,
            "earlier": [_earlier(item) for item in party.earlier],
        }
    if party.request is not None:
        view |= _request_view(party, now)
    return view


def _request_view(party: Party, now: datetime) -> dict[str, Any]:
    request = party.request
    assert request is not None
    data = {key: value for entry in request.contexts for key, value in entry.data.items()}
    recording = str(data.get("recording_url", ""))
    return {
        "request_id": request.id,
        "name": request.name or "",
        "number": mask_number(request.number),
        "channel": request.channel.value,
        "language": request.language,
        "reason": _text(data.get("reason", "")),
        "waited": clock_text(max(now - request.virtual_start, timedelta(0)).total_seconds()),
        "page": next((_text(data[key]) for key in PAGE_KEYS if key in data), ""),
        "contexts": [
            {
                "channel": entry.channel.value,
                "at": entry.at.strftime(STAMP),
                "fields": [
                    (key, _text(value))
                    for key, value in entry.data.items()
                    if key not in HIDDEN_KEYS and key not in PAGE_KEYS
                ],
            }
            for entry in request.contexts
        ],
        "recording_url": recording if recording.startswith(("https://", "http://")) else "",
        "transcription": _text(data.get("transcription", "")),
        "attempts": [
            {"at": a.at.strftime(STAMP), "outcome": a.outcome or "", "agent": a.agent_id or ""}
            for a in party.attempts
        ],
        "earlier": [_earlier(item) for item in party.earlier],
    }


def _earlier(item: Earlier) -> dict[str, Any]:
    return {
        "id": item.id,
        "queue": item.queue,
        "channel": item.channel,
        "state": item.state,
        "at": item.created_at.strftime(STAMP),
        "attempts": item.attempts,
    }


def _text(value: object) -> str:
    """A context value as one line of text; numbers in it masked (it may be free text)."""
    shown = mask_text(str(value))
    return shown if len(shown) <= MAX_VALUE else shown[: MAX_VALUE - 1] + "…"
