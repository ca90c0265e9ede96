"""What an agent's screen reads: the offer holding them now, and who is on it.

The offer is the one presence holds a busy agent for; after the call, the agent's latest
offer in which they spoke to someone, until its wrap-up note is written. Only the signed-in
agent's own offer is ever read: every query is keyed by their agent id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, Engine, Row, Select, literal, select

from callback.request import CallbackRequest
from callback.store.convert import to_request
from callback.store.engine import read_transaction
from callback.store.held_history import noted_caller
from callback.store.queries import request_row
from callback.store.tables import ATTEMPT, CALL_EVENT, HELD_CALL, HELD_OFFER, PRESENCE, REQUEST
from callback.store.wrap_up import WRAP_UP_NOTE, OfferKind
from callback.types import AgentId, RequestId

TALKED = frozenset({"connected", "completed"})
"""Outcomes of an offer in which the agent spoke to the person: a note is due."""
EARLIER_LIMIT = 10
REASON_NOTE = "reason"
"""The call event kind under which the IVR keeps the reason chosen in the menu."""

_a, _o, _p, _r = ATTEMPT.c, HELD_OFFER.c, PRESENCE.c, REQUEST.c


@dataclass(frozen=True, slots=True)
class Offer:
    """One offer made to an agent: a callback's dial attempt or a held caller's offer."""

    kind: OfferKind
    id: int
    agent_id: AgentId
    queue: str
    claimed_at: datetime
    ended_at: datetime | None
    outcome: str | None
    subject: int
    """The request id (callback) or the held caller's id (held)."""

    @property
    def talked(self) -> bool:
        """Whether the agent spoke to the person."""
        return self.outcome in TALKED


@dataclass(frozen=True, slots=True)
class Attempt:
    """One dial of a request, as the agent sees it."""

    at: datetime
    agent_id: str | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class Earlier:
    """An earlier request from the same number (any queue, any channel)."""

    id: int
    queue: str
    channel: str
    state: str
    created_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class HeldParty:
    """A caller on hold: their number is not kept, only what the call told us."""

    queue: str
    language: str
    waiting_since: datetime
    reason: str | None
    bridged: bool
    """The caller is talking to the agent now."""
    number: str = ""
    """Masked, once the connect step noted it ("" before, or for a hidden caller ID)."""


@dataclass(frozen=True, slots=True)
class Party:
    """The person of an offer, with what the agent should know before saying hello."""

    offer: Offer
    request: CallbackRequest | None = None
    attempts: tuple[Attempt, ...] = ()
    earlier: tuple[Earlier, ...] = ()
    held: HeldParty | None = None


def _offers(kind: OfferKind) -> Select[tuple[object, ...]]:
    callback = kind is OfferKind.CALLBACK
    c = ATTEMPT.c if callback else HELD_OFFER.c
    subject = _a.request_id if callback else _o.held_id
    return select(
        literal(kind.value).label("kind"),
        c.id,
        c.agent_id,
        c.queue,
        c.claimed_at,
        c.ended_at,
        c.outcome,
        subject.label("subject"),
    )


def _offer(row: Row[tuple[object, ...]]) -> Offer:
    found = row._mapping
    return Offer(
        kind=OfferKind(str(found["kind"])),
        id=int(found["id"]),
        agent_id=AgentId(str(found["agent_id"])),
        queue=str(found["queue"]),
        claimed_at=found["claimed_at"],
        ended_at=found["ended_at"],
        outcome=found["outcome"],
        subject=int(found["subject"]),
    )


def offer_now(connection: Connection, agent: AgentId) -> Offer | None:
    """The offer holding `agent` now, else their latest talked-to offer still without a note."""
    presence = connection.execute(
        select(_p.status, _p.attempt_id, _p.held_offer_id).where(_p.agent_id == agent)
    ).first()
    if presence is not None and presence.status == "busy":
        if presence.attempt_id is not None:
            query = _offers(OfferKind.CALLBACK).where(_a.id == presence.attempt_id)
        else:
            query = _offers(OfferKind.HELD).where(_o.id == presence.held_offer_id)
        row = connection.execute(query).first()
        # None: the offer vanished under a busy agent (the dispatcher frees them next pass).
        return None if row is None else _offer(row)
    return _latest_unnoted(connection, agent)


def _latest_unnoted(connection: Connection, agent: AgentId) -> Offer | None:
    callbacks = _offers(OfferKind.CALLBACK).where(_a.agent_id == agent)
    helds = _offers(OfferKind.HELD).where(_o.agent_id == agent)
    newest = [
        connection.execute(callbacks.order_by(_a.claimed_at.desc()).limit(1)).first(),
        connection.execute(helds.order_by(_o.claimed_at.desc()).limit(1)).first(),
    ]
    found = [_offer(row) for row in newest if row is not None]
    if not found:
        return None
    latest = max(found, key=lambda offer: offer.claimed_at)
    if not latest.talked or _noted(connection, latest):
        return None
    return latest


def _noted(connection: Connection, offer: Offer) -> bool:
    c = WRAP_UP_NOTE.c
    query = select(c.id).where(c.kind == offer.kind.value, c.offer_id == offer.id)
    return connection.execute(query).first() is not None


def party_of(connection: Connection, offer: Offer) -> Party:
    """Everything the screen shows about the person of `offer`."""
    if offer.kind is OfferKind.HELD:
        noted = noted_caller(connection, offer.id)
        masked, ids = noted if noted is not None else ("", [])
        held = replace(_held(connection, offer.subject), number=masked)
        return Party(offer, held=held, earlier=_earlier_by_id(connection, ids))
    row = request_row(connection, RequestId(offer.subject))
    assert row is not None  # the attempt's foreign key keeps its request
    request = to_request(row)
    return Party(
        offer,
        request=request,
        attempts=_attempts(connection, request.id),
        earlier=_earlier(connection, request),
    )


def _held(connection: Connection, held_id: int) -> HeldParty:
    h = HELD_CALL.c
    row = connection.execute(
        select(h.queue, h.language, h.virtual_start, h.call_sid, h.state).where(h.id == held_id)
    ).first()
    assert row is not None  # the offer's foreign key keeps its caller
    e = CALL_EVENT.c
    reason = connection.execute(
        select(e.status)
        .where(e.sid == row.call_sid, e.kind == REASON_NOTE)
        .order_by(e.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return HeldParty(row.queue, row.language, row.virtual_start, reason, row.state == "bridged")


def _earlier_by_id(connection: Connection, ids: Sequence[int]) -> tuple[Earlier, ...]:
    if not ids:
        return ()
    query = (
        select(_r.id, _r.queue, _r.channel, _r.state, _r.created_at, _r.attempts)
        .where(_r.id.in_(ids))
        .order_by(_r.created_at.desc(), _r.id.desc())
    )
    return tuple(Earlier(*row) for row in connection.execute(query))


def _attempts(connection: Connection, request_id: RequestId) -> tuple[Attempt, ...]:
    query = (
        select(_a.claimed_at, _a.agent_id, _a.outcome)
        .where(_a.request_id == request_id)
        .order_by(_a.claimed_at, _a.id)
    )
    return tuple(Attempt(*row) for row in connection.execute(query))


def _earlier(connection: Connection, request: CallbackRequest) -> tuple[Earlier, ...]:
    if not request.number:  # purged: nothing left to match on
        return ()
    query = (
        select(_r.id, _r.queue, _r.channel, _r.state, _r.created_at, _r.attempts)
        .where(_r.number == request.number, _r.id != request.id)
        .order_by(_r.created_at.desc(), _r.id.desc())
        .limit(EARLIER_LIMIT)
    )
    return tuple(Earlier(*row) for row in connection.execute(query))


@dataclass(frozen=True, slots=True)
class Glance:
    """What the screen's stream watches: the agent's status, their offer, and whether the
    person is talking to them now."""

    status: str
    offer: Offer | None
    talking: bool
    noted: bool = False
    """A held caller's connect step has noted who they are."""


def _talking(connection: Connection, offer: Offer) -> bool:
    if offer.kind is OfferKind.CALLBACK:
        query = select(_r.state).where(_r.id == offer.subject)
        return connection.execute(query).scalar_one_or_none() == "connected"
    h = HELD_CALL.c
    return connection.execute(select(h.state).where(h.id == offer.subject)).scalar() == "bridged"


class AgentScreenStore:
    """The agent's screen's reads, one snapshot each."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def offer_now(self, agent: AgentId) -> Offer | None:
        """The offer the agent's screen is about now, if any."""
        with read_transaction(self._engine) as connection:
            return offer_now(connection, agent)

    def glance(self, agent: AgentId) -> Glance:
        """The agent's status and offer now, read cheaply (the stream does so every second)."""
        with read_transaction(self._engine) as connection:
            status = connection.execute(select(_p.status).where(_p.agent_id == agent)).scalar()
            offer = offer_now(connection, agent)
            talking = offer is not None and _talking(connection, offer)
            noted = (
                offer is not None
                and offer.kind is OfferKind.HELD
                and noted_caller(connection, offer.id) is not None
            )
        return Glance(status or "offline", offer, talking, noted)

    def party(self, agent: AgentId) -> Party | None:
        """The person of the agent's offer now, with their history."""
        with read_transaction(self._engine) as connection:
            offer = offer_now(connection, agent)
            return None if offer is None else party_of(connection, offer)
