"""The carrier's side of callers on hold in the dispatch state machine: who is in Twilio's
queue, who was dequeued to a connect step, whose `<Dial>` rings or talks to an agent, who
hung up. The invariants compare the database with it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from callback.store.engine import read_transaction
from callback.store.held_line import FINISHED, HeldState
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER
from ivr.links import Link

QUEUE_SIDS = {"support": "QU" + "1" * 32, "sales": "QU" + "2" * 32}
WAITING = frozenset({HeldState.HOLDING, HeldState.RETURNING, HeldState.OFFERED})
"""Where a caller waiting in Twilio's queue may stand in ours (offered: dequeue on its way)."""
_ENDPOINT = re.compile(r"<(?:Client|Sip|Number)[^>]*>([^<]+)</")


def dialled_endpoint(twiml: str) -> str | None:
    """The endpoint a `<Dial>` document rings, if it is one."""
    found = _ENDPOINT.search(twiml)
    return None if found is None else found.group(1)


@dataclass
class HeldTruth:
    """Twilio's queues and the calls of callers on hold, as the carrier knows them."""

    in_queue: dict[str, str] = field(default_factory=dict)
    """CallSid -> the queue's SID, for callers waiting in a Twilio queue."""
    dequeued: dict[str, str] = field(default_factory=dict)
    """CallSid -> the URL the call was sent to, before that step ran."""
    dialling: dict[str, tuple[str, Link]] = field(default_factory=dict)
    """CallSid -> (agent endpoint, the Dial's action link) while the agent rings or talks."""
    gone: set[str] = field(default_factory=set)
    entered: Counter[str] = field(default_factory=Counter)
    """How many times each caller entered a Twilio queue."""
    taken: Counter[str] = field(default_factory=Counter)
    """How many times each caller was dequeued."""

    def enqueue(self, sid: str, queue_sid: str) -> None:
        """The call runs `<Enqueue>`."""
        self.in_queue[sid] = queue_sid
        self.entered[sid] += 1

    def dequeue(self, queue_sid: str, call_sid: str, url: str) -> bool:
        """Queue Members: only a caller waiting in that very queue leaves it, once."""
        if self.in_queue.get(call_sid) != queue_sid:
            return False
        del self.in_queue[call_sid]
        self.dequeued[call_sid] = url
        self.taken[call_sid] += 1
        return True

    def live(self) -> list[str]:
        """Callers whose call goes on, in a queue, on the way to an agent or with one."""
        return sorted({*self.in_queue, *self.dequeued, *self.dialling})


@dataclass(frozen=True, slots=True)
class HeldSnapshot:
    """Held callers and the open offers and dial attempts, read in one transaction."""

    places: dict[str, tuple[int, object, HeldState]]
    """CallSid -> (row id, virtual start, state)."""
    open_offers: list[tuple[int, str]]
    """(held row, agent) of every open offer."""
    busy_with_attempts: list[str]
    """Agents of open dial attempts."""


def held_snapshot(engine: Engine) -> HeldSnapshot:
    """Every held caller and every open offer and attempt."""
    h, o, a = HELD_CALL.c, HELD_OFFER.c, ATTEMPT.c
    with read_transaction(engine) as connection:
        rows = connection.execute(select(h.call_sid, h.id, h.virtual_start, h.state)).all()
        offers = connection.execute(select(o.held_id, o.agent_id).where(o.ended_at.is_(None)))
        open_offers = [(held, agent) for held, agent in offers]
        attempts = select(a.agent_id).where(a.ended_at.is_(None), a.agent_id.is_not(None))
        busy = list(connection.execute(attempts).scalars())
    places = {sid: (row_id, start, HeldState(state)) for sid, row_id, start, state in rows}
    return HeldSnapshot(places, open_offers, busy)


def agents_with_two_parties(snap: HeldSnapshot, truth: HeldTruth) -> list[str]:
    """Agents holding more than one open claim, or rung for more than one caller at once."""
    claims = Counter(agent for _, agent in snap.open_offers) + Counter(snap.busy_with_attempts)
    rung = Counter(agent for agent, _ in truth.dialling.values())
    return sorted({agent for counts in (claims, rung) for agent, n in counts.items() if n > 1})


def callers_given_twice(snap: HeldSnapshot, truth: HeldTruth) -> list[str]:
    """Callers with two open offers, or dequeued more often than they entered a queue."""
    offers = Counter(held for held, _ in snap.open_offers)
    twice = [f"held {held}: {n} open offers" for held, n in offers.items() if n > 1]
    over = [sid for sid, n in truth.taken.items() if n > truth.entered[sid]]
    return twice + [f"{sid} dequeued more than enqueued" for sid in over]


def places_lost(
    snap: HeldSnapshot, truth: HeldTruth, first: dict[str, tuple[int, object]]
) -> list[str]:
    """Callers whose row or virtual start changed, waiting callers out of the line, and
    callers who hung up still in it."""
    lost = []
    for sid, (row_id, start, state) in snap.places.items():
        if first.setdefault(sid, (row_id, start)) != (row_id, start):
            lost.append(f"{sid}: place changed")
        if sid in truth.in_queue and state not in WAITING:
            lost.append(f"{sid}: waits in Twilio's queue but is {state.value}")
        if sid in truth.gone and state not in FINISHED:
            lost.append(f"{sid}: hung up but is {state.value}")
    return lost
