"""Serving a caller on hold, on each backend: how each ending moves the caller and the offer,
and what the lease sweep makes of an offer whose lease ran out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from callback.carrier import CallRecord, CallStatus, TelephonyError
from callback.dispatch import Budget, Eligible, Limit, Snapshot
from callback.request import CallbackRequest
from callback.service.held import Handover, HeldService
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldClaim, HeldState
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.tables import HELD_OFFER
from callback.types import AgentId
from tests.callback.store.support import LEASE, SUPPORT, at

ALICE = AgentId("alice")
SID = "CA" + "1" * 32


@dataclass
class Carrier:
    """Queue Members and Calls as a test needs them: who is queued, how each call stands."""

    queued: set[str] = field(default_factory=lambda: {SID})
    status: CallStatus = CallStatus.IN_PROGRESS
    refuse: TelephonyError | None = None
    urls: list[str] = field(default_factory=list)

    def dequeue(self, queue_sid: str, call_sid: str, *, url: str) -> bool:
        if self.refuse is not None:
            raise self.refuse
        self.urls.append(url)
        if call_sid not in self.queued:
            return False
        self.queued.discard(call_sid)
        return True

    def call_status(self, sid: str) -> CallRecord | None:
        return CallRecord(sid, self.status, None)


def _eligible(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _budget(_snapshot: Snapshot) -> Budget:
    return Budget(1, Limit.NONE)


def _claim(engine: Engine) -> HeldClaim:
    joining = Joining(SID, SUPPORT, "QU" + "1" * 32, "en", 0, at(0))
    HeldStore(engine).join(joining, at(0))
    presence = PresenceStore(engine)
    presence.sync_roster([ALICE], at(0))
    presence.set_status(ALICE, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "t")
    offer = Offer(SUPPORT, ALICE, (ALICE,), LEASE, _eligible, _budget)
    claim = DispatchStore(engine).offer(offer, at(1)).held
    assert claim is not None
    return claim


def _outcomes(engine: Engine) -> list[str | None]:
    with engine.connect() as connection:
        return list(connection.execute(select(HELD_OFFER.c.outcome)).scalars())


def _state(engine: Engine) -> HeldState:
    caller = HeldStore(engine).by_sid(SID)
    assert caller is not None
    return caller.state


def _sweep(service: HeldService, carrier: Carrier, now: datetime) -> int:
    return service.sweep(carrier, lambda _queue: LEASE, now)


def test_a_dequeued_caller_connects_then_is_served(engine: Engine) -> None:
    carrier = Carrier()
    service = HeldService(HeldStore(engine), carrier)
    claim = _claim(engine)
    assert service.hand_over(claim, "https://h.test/connect", at(1)) is Handover.DEQUEUED
    connecting = service.connect(claim.caller.id, claim.fence, SID, at(1))
    assert connecting is not None and connecting.agent == ALICE
    assert service.connect(claim.caller.id, claim.fence, SID, at(1)) is None  # once only
    assert service.answered(claim.caller.id, claim.fence, at(1))
    served = service.dial_ended(claim.caller.id, claim.fence, "completed", "in-progress", at(5))
    assert served is not None and served.state is HeldState.SERVED
    assert _outcomes(engine) == ["connected"]


def test_a_connect_step_for_another_call_or_fence_is_refused(engine: Engine) -> None:
    service = HeldService(HeldStore(engine), Carrier())
    claim = _claim(engine)
    assert service.connect(claim.caller.id, claim.fence, "CA" + "2" * 32, at(1)) is None
    assert service.connect(claim.caller.id, claim.fence - 1, SID, at(1)) is None
    assert _state(engine) is HeldState.OFFERED


@pytest.mark.parametrize(
    ("dial_status", "caller_status", "state", "outcome"),
    [
        ("no-answer", "in-progress", HeldState.RETURNING, "agent_unavailable"),
        ("busy", "in-progress", HeldState.RETURNING, "agent_unavailable"),
        ("canceled", "completed", HeldState.ABANDONED, "caller_gone"),
        ("canceled", "in-progress", HeldState.ABANDONED, "caller_gone"),
        ("no-answer", "completed", HeldState.ABANDONED, "caller_gone"),
    ],
)
def test_an_unbridged_dial_puts_back_or_abandons(
    engine: Engine, dial_status: str, caller_status: str, state: HeldState, outcome: str
) -> None:
    service = HeldService(HeldStore(engine), Carrier())
    claim = _claim(engine)
    service.connect(claim.caller.id, claim.fence, SID, at(1))
    moved = service.dial_ended(claim.caller.id, claim.fence, dial_status, caller_status, at(2))
    assert moved is not None and moved.state is state
    assert moved.virtual_start == at(0)  # a put-back caller keeps their place
    assert _outcomes(engine) == [outcome]
    again = service.dial_ended(claim.caller.id, claim.fence, dial_status, caller_status, at(3))
    assert again is None  # a repeated action settles nothing twice


def test_a_whisper_whose_answer_was_lost_puts_the_caller_back_not_served(engine: Engine) -> None:
    # Found by chaos kills: the whisper step stored "bridged" on an instance killed before it
    # answered; the carrier ended the agent's leg and reported the Dial not answered. The
    # caller had talked to nobody, yet was stored served and told goodbye.
    service = HeldService(HeldStore(engine), Carrier())
    claim = _claim(engine)
    service.connect(claim.caller.id, claim.fence, SID, at(1))
    assert service.answered(claim.caller.id, claim.fence, at(1))
    moved = service.dial_ended(claim.caller.id, claim.fence, "no-answer", "in-progress", at(2))
    assert moved is not None and moved.state is HeldState.RETURNING
    assert moved.virtual_start == at(0)
    assert _outcomes(engine) == ["not_connected"]  # our side's loss: the agent is not blamed


def test_a_refused_dequeue_gives_the_caller_back_at_once(engine: Engine) -> None:
    carrier = Carrier(refuse=TelephonyError("503", retryable=True, ambiguous=False, status=503))
    service = HeldService(HeldStore(engine), carrier)
    assert service.hand_over(_claim(engine), "u", at(1)) is Handover.RETURNED
    assert _state(engine) is HeldState.HOLDING and _outcomes(engine) == ["not_connected"]


def test_the_sweep_settles_offers_by_the_callers_call(engine: Engine) -> None:
    carrier = Carrier(refuse=TelephonyError("timeout", retryable=True, ambiguous=True))
    service = HeldService(HeldStore(engine), carrier)
    claim = _claim(engine)
    assert service.hand_over(claim, "u", at(1)) is Handover.UNKNOWN
    assert _sweep(service, carrier, at(2)) == 0  # the lease still runs
    later = claim.lease_until + timedelta(seconds=1)
    assert _sweep(service, carrier, later) == 1  # call alive, connect step never came
    assert _state(engine) is HeldState.RETURNING
    assert _outcomes(engine) == ["not_connected"]


def test_the_sweep_renews_a_call_with_its_agent_and_ends_a_finished_one(engine: Engine) -> None:
    carrier = Carrier()
    service = HeldService(HeldStore(engine), carrier)
    claim = _claim(engine)
    service.hand_over(claim, "u", at(1))
    service.connect(claim.caller.id, claim.fence, SID, at(1))
    service.answered(claim.caller.id, claim.fence, at(1))
    later = claim.lease_until + timedelta(seconds=1)
    assert _sweep(service, carrier, later) == 0 and _state(engine) is HeldState.BRIDGED
    carrier.status = CallStatus.COMPLETED  # the Dial's action was lost
    assert _sweep(service, carrier, later + LEASE + LEASE) == 1
    assert _state(engine) is HeldState.SERVED and _outcomes(engine) == ["connected"]


def test_without_queue_members_the_claim_is_given_back(engine: Engine) -> None:
    service = HeldService(HeldStore(engine), None)
    assert service.hand_over(_claim(engine), "u", at(1)) is Handover.RETURNED
    assert _state(engine) is HeldState.HOLDING and _outcomes(engine) == ["not_connected"]


def test_a_caller_gone_from_twilios_queue_is_abandoned_not_connected(engine: Engine) -> None:
    carrier = Carrier(queued=set())
    service = HeldService(HeldStore(engine), carrier)
    assert service.hand_over(_claim(engine), "u", at(1)) is Handover.GONE
    assert _state(engine) is HeldState.ABANDONED and _outcomes(engine) == ["caller_gone"]
    assert carrier.urls == ["u"]


def test_a_whisper_under_a_stale_fence_bridges_nothing(engine: Engine) -> None:
    service = HeldService(HeldStore(engine), Carrier())
    claim = _claim(engine)
    service.hand_over(claim, "u", at(1))
    service.connect(claim.caller.id, claim.fence, SID, at(1))
    assert not service.answered(claim.caller.id, claim.fence + 1, at(1))
    assert not service.answered(claim.caller.id + 99, claim.fence, at(1))
    assert _state(engine) is HeldState.CONNECTING


def test_a_hang_up_on_hold_abandons_and_a_repeat_is_ignored(engine: Engine) -> None:
    HeldStore(engine).join(Joining(SID, SUPPORT, "QU" + "1" * 32, "en", 0, at(0)), at(0))
    service = HeldService(HeldStore(engine), Carrier())
    moved = service.hung_up(SID, at(3))
    assert moved is not None and moved.state is HeldState.ABANDONED
    assert service.hung_up(SID, at(4)) is None  # already settled
    assert service.hung_up("CA" + "9" * 32, at(4)) is None  # never held


@pytest.mark.parametrize(
    ("answered", "state"), [(True, HeldState.SERVED), (False, HeldState.ABANDONED)]
)
def test_a_hang_up_during_an_offer_ends_it_by_how_far_it_got(
    engine: Engine, answered: bool, state: HeldState
) -> None:
    service = HeldService(HeldStore(engine), Carrier())
    claim = _claim(engine)
    service.hand_over(claim, "u", at(1))
    service.connect(claim.caller.id, claim.fence, SID, at(1))
    if answered:
        service.answered(claim.caller.id, claim.fence, at(1))
    moved = service.hung_up(SID, at(4))
    assert moved is not None and moved.state is state


def test_leaving_the_hold_for_a_callback_only_from_the_line(engine: Engine) -> None:
    service = HeldService(HeldStore(engine), Carrier())
    assert service.left(SID, at(1)) is None  # not held at all
    HeldStore(engine).join(Joining(SID, SUPPORT, "QU" + "1" * 32, "en", 0, at(0)), at(0))
    moved = service.left(SID, at(2))
    assert moved is not None and moved.state is HeldState.LEFT
    assert service.left(SID, at(3)) is None  # already left


def test_the_sweep_skips_a_caller_the_carrier_cannot_tell_about(engine: Engine) -> None:
    @dataclass
    class Silent(Carrier):
        def call_status(self, sid: str) -> CallRecord | None:
            raise TelephonyError("timeout", retryable=True, ambiguous=True)

    carrier = Silent()
    service = HeldService(HeldStore(engine), carrier)
    claim = _claim(engine)
    service.hand_over(claim, "u", at(1))
    assert _sweep(service, carrier, claim.lease_until + timedelta(seconds=1)) == 0
    assert _state(engine) is HeldState.OFFERED  # left for the next sweep


def test_an_unknown_caller_status_does_not_count_as_an_ended_call(engine: Engine) -> None:
    service = HeldService(HeldStore(engine), Carrier())
    claim = _claim(engine)
    service.connect(claim.caller.id, claim.fence, SID, at(1))
    moved = service.dial_ended(claim.caller.id, claim.fence, "no-answer", "weird", at(2))
    assert moved is not None and moved.state is HeldState.RETURNING


def test_only_a_caller_no_agent_of_ours_was_offered_is_served_elsewhere(engine: Engine) -> None:
    service = HeldService(HeldStore(engine), Carrier(queued=set()))
    assert service.hand_over(_claim(engine), "u", at(1)) is Handover.GONE  # seen hanging up
    assert service.served_elsewhere(SID, timedelta(seconds=30), at(9)) is None
    assert _state(engine) is HeldState.ABANDONED
    assert service.served_elsewhere("CA" + "9" * 32, None, at(9)) is None  # never held
