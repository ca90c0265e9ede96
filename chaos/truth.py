"""The ground-truth checks: the stand-in's record of calls placed against the database.

Each placed call belongs to the attempt whose CallSid it is; a call no attempt claimed
(a timed-out create, a stale dial) belongs to the latest attempt of its request claimed
before the call was placed. Then:

- a *double* is a second call for one attempt, or a call placed for an attempt the app
  ended as "not dialled" (it redialled a call that did happen);
- an *orphan* is a call no attempt row was claimed for;
- a *lost* request is one the API accepted that is not in a final state at the end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from callback.types import FINAL_STATES, State

NOT_DIALLED = "not_dialled"
"""The outcome the lease sweep gives an attempt whose call it found did not happen."""


@dataclass(frozen=True, slots=True)
class Call:
    """One call the stand-in created."""

    sid: str
    at: datetime
    request_id: int | None


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One dial attempt as stored."""

    id: int
    request_id: int
    claimed_at: datetime
    call_sid: str | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One callback request as stored."""

    id: int
    number: str
    state: State


@dataclass(frozen=True, slots=True)
class Tally:
    """What the ground truth says about one run."""

    callbacks: int
    lost: int
    doubles: int
    orphans: int
    calls: int


def owners(calls: Iterable[Call], attempts: Sequence[AttemptRow]) -> dict[str, int | None]:
    """The attempt id each call belongs to (None: no attempt row for it)."""
    by_sid = {a.call_sid: a.id for a in attempts if a.call_sid is not None}
    by_request: dict[int, list[AttemptRow]] = defaultdict(list)
    for attempt in sorted(attempts, key=lambda a: a.claimed_at):
        by_request[attempt.request_id].append(attempt)
    found: dict[str, int | None] = {}
    for call in calls:
        if call.sid in by_sid:
            found[call.sid] = by_sid[call.sid]
            continue
        earlier = [a for a in by_request.get(call.request_id or 0, []) if a.claimed_at <= call.at]
        found[call.sid] = earlier[-1].id if earlier else None
    return found


def doubles(owner: dict[str, int | None], attempts: Sequence[AttemptRow]) -> int:
    """Extra calls per attempt, plus calls of attempts ended as never dialled."""
    per_attempt = Counter(attempt for attempt in owner.values() if attempt is not None)
    extra = sum(count - 1 for count in per_attempt.values() if count > 1)
    undialled = {a.id for a in attempts if a.outcome == NOT_DIALLED}
    return extra + sum(1 for attempt in per_attempt if attempt in undialled)


def lost(accepted: Iterable[str], requests: Sequence[RequestRow]) -> int:
    """Accepted numbers with no request, or whose requests are not all in a final state."""
    by_number: dict[str, list[RequestRow]] = defaultdict(list)
    for request in requests:
        by_number[request.number].append(request)
    missing = 0
    for number in set(accepted):
        rows = by_number.get(number, [])
        if not rows or any(row.state not in FINAL_STATES for row in rows):
            missing += 1
    return missing


def tally(
    calls: Sequence[Call],
    attempts: Sequence[AttemptRow],
    requests: Sequence[RequestRow],
    accepted: Iterable[str],
) -> Tally:
    """Every figure the scenarios assert on."""
    owner = owners(calls, attempts)
    return Tally(
        callbacks=len(requests),
        lost=lost(accepted, requests),
        doubles=doubles(owner, attempts),
        orphans=sum(1 for attempt in owner.values() if attempt is None),
        calls=len(calls),
    )
