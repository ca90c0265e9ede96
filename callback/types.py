"""Identifiers and closed vocabularies shared by the whole core."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NewType

RequestId = NewType("RequestId", int)
QueueName = NewType("QueueName", str)
AgentId = NewType("AgentId", str)
E164 = NewType("E164", str)
"""A phone number already normalised by `callback.numbers`; nothing else may build one."""

# ASCII digits only: `\d` would also take other scripts' digits, which E.164 never holds.
_E164_FORM = re.compile(r"\+[1-9][0-9]{1,14}")


def is_e164(text: str) -> bool:
    """True when `text` is written in E.164: "+", no leading 0, at most 15 digits, nothing else."""
    return _E164_FORM.fullmatch(text) is not None


class Channel(StrEnum):
    """Where a callback request came from."""

    IVR = "ivr"
    WEB = "web"
    APP = "app"
    API = "api"
    SMS = "sms"


class State(StrEnum):
    """Lifecycle of a callback request."""

    WAITING = "waiting"
    SCHEDULED = "scheduled"
    DIALING = "dialing"
    CONNECTED = "connected"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


PENDING_STATES: frozenset[State] = frozenset({State.WAITING, State.SCHEDULED})
"""States in which a request waits for its turn (it is in the line)."""

ACTIVE_STATES: frozenset[State] = frozenset(
    {State.WAITING, State.SCHEDULED, State.DIALING, State.CONNECTED}
)
"""States in which a request is not finished: one per number per queue."""

FINAL_STATES: frozenset[State] = frozenset(State) - ACTIVE_STATES
