"""The simulated calls' conversations, for `/dev/calls` and `holdless calls` (simulated only).

Each call is what its party lived through, in order: what they heard (`Say`, `Play`), the
keys they pressed, the hold queue, the agent they were connected to, the hang-up. Phone
numbers are masked wherever they appear, in the call's ends and in what was said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from callback.privacy import mask_number, mask_text


@dataclass(frozen=True, slots=True)
class Step:
    """One thing that happened on the call, `at` seconds after it started."""

    at_s: float
    what: str
    text: str


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One simulated call leg and its conversation."""

    sid: str
    direction: str
    from_: str
    to: str
    status: str
    started: datetime
    answered_by: str | None
    parent_sid: str | None
    steps: tuple[Step, ...]


class CallLog(Protocol):
    """Where the simulated carrier's calls are read from."""

    def calls(self) -> list[CallRecord]:
        """Every call so far, newest first."""
        ...


def masked_end(address: str) -> str:
    """A phone number masked; an agent's `client:` or `sip:` address as it is."""
    return mask_number(address) if address.startswith("+") else address


def summary(call: CallRecord) -> dict[str, object]:
    """One line of the list: who called whom, when, how it ended (numbers masked)."""
    return {
        "sid": call.sid,
        "direction": call.direction,
        "from": masked_end(call.from_),
        "to": masked_end(call.to),
        "status": call.status,
        "started": call.started.isoformat(),
        "answered_by": call.answered_by,
        "parent_sid": call.parent_sid,
        "steps": len(call.steps),
    }


def transcript(call: CallRecord) -> dict[str, object]:
    """The summary and every step, what was said masked like a log line."""
    steps = [
        {"at_s": round(step.at_s, 1), "what": step.what, "text": _shown(step)}
        for step in call.steps
    ]
    return {**summary(call), "transcript": steps}


def _shown(step: Step) -> str:
    if step.what in ("Connected", "Dial"):
        return masked_end(step.text)
    return mask_text(step.text)
