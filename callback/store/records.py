"""What the store hands back, and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callback.merge import Merged
from callback.request import CallbackRequest
from callback.types import AgentId, RequestId, State


class UnknownRequest(LookupError):
    """No callback request has this id."""

    def __init__(self, request_id: RequestId) -> None:
        super().__init__(f"no callback request with id {request_id}")
        self.request_id = request_id


class StateConflict(RuntimeError):
    """The request was not in the state the caller expected (someone else moved it)."""

    def __init__(self, request_id: RequestId, expected: State, actual: State) -> None:
        super().__init__(
            f"callback request {request_id} is {actual.value}, not {expected.value} as expected"
        )
        self.request_id = request_id
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True, slots=True)
class Enqueued:
    """The stored request after an enqueue; `merged` is None when it is a new request."""

    request: CallbackRequest
    merged: Merged | None


@dataclass(frozen=True, slots=True)
class Claim:
    """A request claimed for dialling: the attempt row and the fence that gate the call."""

    request: CallbackRequest
    attempt_id: int
    fence: int
    lease_until: datetime
    agent_id: AgentId | None = None


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """How many requests of one queue are in each active state, and the oldest due one."""

    waiting: int = 0
    due: int = 0
    scheduled: int = 0
    dialing: int = 0
    connected: int = 0
    oldest_due: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """An applied change of the supervisor configuration file."""

    id: int
    at: datetime
    path: str
    old_hash: str | None
    new_hash: str
    sections: tuple[str, ...]
    text: str | None = None
    """The applied file's text (None for changes recorded before it was kept)."""


@dataclass(frozen=True, slots=True)
class Purged:
    """What one retention run did."""

    erased: int
    deleted: int
    history_rows: int
    """Call legs, call and lifecycle events, presence and config changes deleted."""
    voicemails: int = 0
    """Messages left without a callback number, deleted with their recording's link."""
