"""Helpers of the dispatch state machine: a carrier that keeps the ground truth, and the checks.

The carrier stand-in records every call it places (the ground truth the invariants compare
the database with) and can refuse, time out before or after sending, or take the process
down with it before or after the call leaves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine, bindparam, delete, select

from callback.carrier import CallRecord, CallStatus, TelephonyError
from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import ATTEMPT, REQUEST, metadata
from callback.types import E164, FINAL_STATES, State
from ivr.links import parse_url
from scheduler.dispatch_dial import NOT_DIALLED
from tests.scheduler.held_truth import HeldTruth

_a = ATTEMPT.c
_r = REQUEST.c
_OPEN_ATTEMPT = select(_a.id).where(_a.request_id == bindparam("request_id"), _a.ended_at.is_(None))
ON_CALL = frozenset({State.DIALING, State.CONNECTED})

CUSTOMER_TRIES = frozenset(
    {"connected", "machine", "no_answer", "busy", "failed", "declined", "carrier_refused"}
)
"""Attempt outcomes that used one of the customer's tries (`callback.retry.DialOutcome`)."""


class Fate(StrEnum):
    """What becomes of one request to place a call."""

    RINGS = "rings"
    REFUSED_BUSY = "refused_busy"
    """503 before anything happened: a passing fault of ours, not the customer's try."""
    REFUSED = "refused"
    """400: the request itself was refused; nobody was rung."""
    TIMED_OUT = "timed_out"
    """The request timed out before Twilio got it: ambiguous, yet no call exists."""
    LOST_REPLY = "lost_reply"
    """The call was placed, but the answer never came back: ambiguous, the call exists."""
    DIES_BEFORE = "dies_before"
    """The process dies after the claim committed and before the request left."""
    DIES_AFTER = "dies_after"
    """The process dies after the call was placed, before its CallSid was stored."""


class ProcessDied(Exception):
    """The dispatching process is gone (SIGKILL): nothing of it runs any more."""


@dataclass(frozen=True, slots=True)
class Placed:
    """One call the carrier placed, with the attempt that was open for its request then."""

    sid: str
    to: str
    request_id: int
    attempt_id: int | None
    at: datetime


def _attempt_open_for(engine: Engine, request_id: int) -> int | None:
    with read_transaction(engine) as connection:
        found: int | None = connection.execute(
            _OPEN_ATTEMPT, {"request_id": request_id}
        ).scalar_one_or_none()
    return found


@dataclass
class GroundTruthTelephony:
    """`Telephony` that records every placed call; `fates` decide the next dial requests."""

    engine: Engine
    clock: Callable[[], datetime]
    fates: list[Fate] = field(default_factory=list)
    calls: list[Placed] = field(default_factory=list)
    lookups_fail: bool = False
    held: HeldTruth = field(default_factory=HeldTruth)
    """Twilio's queues of callers on hold."""

    def dequeue(self, queue_sid: str, call_sid: str, *, url: str) -> bool:
        """Queue Members: take a caller out of Twilio's queue (False when not in it)."""
        return self.held.dequeue(queue_sid, call_sid, url)

    def place_call(
        self,
        *,
        to: E164,
        from_: str,
        url: str,
        status_callback: str,
        amd_callback: str,
        timeout_s: int,
        machine_detection: bool = True,
        send_before: float | None = None,
    ) -> str:
        """Place (or not) the call as the next fate says; RINGS once the fates run out."""
        fate = self.fates.pop(0) if self.fates else Fate.RINGS
        if fate is Fate.DIES_BEFORE:
            raise ProcessDied("killed before the dial request left")
        if fate is Fate.REFUSED_BUSY:
            raise TelephonyError("503", retryable=True, ambiguous=False, status=503)
        if fate is Fate.REFUSED:
            raise TelephonyError("400", retryable=False, ambiguous=False, status=400)
        if fate is Fate.TIMED_OUT:
            raise TelephonyError("connect timeout", retryable=True, ambiguous=True)
        sid = self._record(to, url)
        if fate is Fate.LOST_REPLY:
            raise TelephonyError("read timeout", retryable=True, ambiguous=True)
        if fate is Fate.DIES_AFTER:
            raise ProcessDied("killed after the call was placed")
        return sid

    def _record(self, to: str, url: str) -> str:
        request_id = parse_url(url).request
        assert request_id is not None, "every callback call names its request"
        sid = f"CA{len(self.calls) + 1:032d}"
        attempt = _attempt_open_for(self.engine, request_id)
        self.calls.append(Placed(sid, to, request_id, attempt, self.clock()))
        return sid

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        """The dispatcher sends no SMS."""
        raise AssertionError("no SMS expected")

    def redirect_call(self, sid: str, *, url: str) -> None:
        """The dispatcher redirects no call."""
        raise AssertionError("no redirect expected")

    def hang_up(self, sid: str) -> None:
        """The dispatcher hangs up only calls it could not attach; none in this model."""
        raise AssertionError("no hang-up expected")

    def call_status(self, sid: str) -> CallRecord | None:
        """A placed call as ringing (its end is only told by status callbacks here)."""
        if self.lookups_fail:
            raise TelephonyError("503", retryable=True, ambiguous=False, status=503)
        if self.held.entered[sid]:  # a caller on hold: live until they hang up
            gone = sid in self.held.gone
            return CallRecord(sid, CallStatus.COMPLETED if gone else CallStatus.IN_PROGRESS, None)
        placed = [call for call in self.calls if call.sid == sid]
        return CallRecord(sid, CallStatus.RINGING, placed[0].at) if placed else None

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        """The calls placed to `number` at or after `since`, from the ground truth."""
        if self.lookups_fail:
            raise TelephonyError("503", retryable=True, ambiguous=False, status=503)
        return [
            CallRecord(call.sid, CallStatus.RINGING, call.at)
            for call in self.calls
            if call.to == number and call.at >= since
        ]


@dataclass(frozen=True, slots=True)
class RequestRow:
    """What the invariants read of one request."""

    state: State
    queue: str
    attempts: int
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """What the invariants read of one dial attempt."""

    request_id: int
    number: str
    open: bool
    outcome: str | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Requests and dial attempts, read in one transaction."""

    requests: Mapping[int, RequestRow]
    attempts: Mapping[int, AttemptRow]


def snapshot(engine: Engine) -> Snapshot:
    """Every request and dial attempt as they stand."""
    with read_transaction(engine) as connection:
        requests = connection.execute(
            select(_r.id, _r.state, _r.queue, _r.attempts, _r.finished_at)
        ).all()
        attempts = connection.execute(
            select(_a.id, _a.request_id, _a.number, _a.ended_at, _a.outcome)
        ).all()
    return Snapshot(
        requests={row[0]: RequestRow(State(row[1]), row[2], row[3], row[4]) for row in requests},
        attempts={row[0]: AttemptRow(row[1], row[2], row[3] is None, row[4]) for row in attempts},
    )


def wipe(engine: Engine) -> None:
    """Empty every table of the store (the schema and its migrations stay)."""
    with write_transaction(engine) as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(delete(table))


def numbers_dialled_twice(snap: Snapshot) -> list[str]:
    """Numbers with more than one open dial attempt."""
    counts = Counter(a.number for a in snap.attempts.values() if a.open)
    return sorted(number for number, count in counts.items() if count > 1)


def attempts_dialled_twice(calls: Iterable[Placed]) -> list[tuple[int | None, str]]:
    """(attempt, number) pairs the carrier placed more than one call for."""
    counts = Counter((call.attempt_id, call.to) for call in calls)
    return sorted((key for key, count in counts.items() if count > 1), key=str)


def calls_without_attempt(snap: Snapshot, calls: Iterable[Placed]) -> list[str]:
    """Placed calls with no attempt row of their request, or whose attempt says never dialled."""
    wrong = []
    for call in calls:
        attempt = snap.attempts.get(call.attempt_id) if call.attempt_id is not None else None
        if attempt is None or attempt.request_id != call.request_id:
            wrong.append(f"{call.sid}: no attempt row")
        elif attempt.outcome == NOT_DIALLED:
            wrong.append(f"{call.sid}: attempt {call.attempt_id} ended {NOT_DIALLED}")
    return wrong


def unsettled_on_call(snap: Snapshot) -> list[str]:
    """Finished requests that still hold a dial, and dialling ones held by none (stranded)."""
    open_dials = Counter(a.request_id for a in snap.attempts.values() if a.open)
    wrong = []
    for request_id, row in snap.requests.items():
        if row.state in FINAL_STATES and open_dials[request_id]:
            wrong.append(f"request {request_id} is {row.state} with an open dial")
        if row.state in ON_CALL and open_dials[request_id] != 1:
            wrong.append(f"request {request_id} is {row.state} with {open_dials[request_id]} dials")
    return wrong


def stranded(snap: Snapshot) -> list[str]:
    """Requests still dialling or connected once every call ended and every sweep ran."""
    return [
        f"request {request_id} still {row.state}"
        for request_id, row in snap.requests.items()
        if row.state in ON_CALL
    ]


def customer_tries(snap: Snapshot) -> Counter[int]:
    """Per request, the ended attempts whose outcome used one of the customer's tries."""
    return Counter(a.request_id for a in snap.attempts.values() if a.outcome in CUSTOMER_TRIES)
