"""Stale dials (issue 4): a claim taken over while its dialler was paused is never dialled,
and a call placed after its attempt ended is hung up, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callback.carrier import CallRecord, CallStatus, TelephonyError
from callback.config import ConfigHolder, SupervisorConfig
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.service.settle import Settler
from callback.store import QueueStore
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore
from callback.store.records import Claim
from callback.store.settling import SettleStore
from callback.store.tables import ATTEMPT
from callback.types import E164, AgentId, Channel, QueueName, State
from devtools.carrier.book import CallControl
from scheduler.dispatch_dial import HTTP_TIMEOUT, NOT_DIALLED, Dial, Dialler
from tests.callback.store.support import claim_next
from tests.telephony.test_telephony import Rig

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
QUEUE = QueueName("support")
NUMBER = E164("+442079460456")
DIAL = Dial(
    to=NUMBER,
    from_="+442079460000",
    url="https://cb.example.com/twilio/answer",
    status_callback="https://cb.example.com/twilio/status",
    amd_callback="https://cb.example.com/twilio/status",
    timeout_s=30,
    machine_detection=True,
)


@dataclass
class Phone:
    """Records dials and hang-ups; `during` runs inside the REST call, as a paused dialler's
    rival would act meanwhile."""

    placed: list[str] = field(default_factory=list)
    hung_up: list[str] = field(default_factory=list)
    during: Callable[[str], None] | None = None
    hang_up_error: TelephonyError | None = None

    def place_call(self, **params: object) -> str:
        sid = f"CA{len(self.placed) + 1:032d}"
        self.placed.append(sid)
        if self.during is not None:
            self.during(sid)
        return sid

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        raise AssertionError("no SMS expected")

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        raise AssertionError("no lookup expected")

    def redirect_call(self, sid: str, *, url: str) -> None:
        raise AssertionError("no redirect expected")

    def call_status(self, sid: str) -> CallRecord | None:
        raise AssertionError("no lookup by CallSid expected")

    def hang_up(self, sid: str) -> None:
        if self.hang_up_error is not None:
            raise self.hang_up_error
        self.hung_up.append(sid)


@dataclass
class Rigged:
    store: QueueStore
    claims: DispatchStore
    calls: CallStore
    phone: Phone
    config: SupervisorConfig

    def dialler(self, clock: Callable[[], datetime] | None = None) -> Dialler:
        settler = Settler(SettleStore(self.store.engine), self.store, self.calls)
        return Dialler(settler, self.calls, self.phone, self.claims, clock=clock)

    def claim(self, now: datetime = NOW) -> Claim:
        claim = claim_next(self.store, QUEUE, now, LEASE, AgentId("alice"))
        assert claim is not None
        return claim

    def take_over(self, claim: Claim, now: datetime) -> Claim:
        """What another instance's lease sweep and next pass do to a stranded claim."""
        assert self.claims.return_undialled(claim, NOT_DIALLED, now) is not None
        return self.claim(now)

    def attempt(self, attempt_id: int) -> tuple[str | None, datetime | None, str | None]:
        query = select(ATTEMPT.c.outcome, ATTEMPT.c.ended_at, ATTEMPT.c.call_sid).where(
            ATTEMPT.c.id == attempt_id
        )
        with self.store.engine.connect() as connection:
            outcome, ended_at, sid = connection.execute(query).one()
        return outcome, ended_at, sid


@pytest.fixture
def rigged(store: QueueStore) -> Rigged:
    incoming = Incoming(ContextEntry(Channel.WEB, NOW, {}), virtual_start=NOW)
    store.enqueue(QUEUE, NUMBER, incoming, NOW)
    engine = store.engine
    config = ConfigHolder(EXAMPLE, NOW).current
    return Rigged(store, DispatchStore(engine), CallStore(engine), Phone(), config)


def test_a_fresh_claim_is_held(rigged: Rigged) -> None:
    claim = rigged.claim()
    assert rigged.claims.still_held(claim, NOW, HTTP_TIMEOUT)


def test_a_claim_is_not_held_once_its_lease_cannot_outlast_the_margin(rigged: Rigged) -> None:
    claim = rigged.claim()
    assert rigged.claims.still_held(claim, NOW + LEASE - HTTP_TIMEOUT - timedelta(seconds=1))
    assert not rigged.claims.still_held(claim, NOW + LEASE - HTTP_TIMEOUT, HTTP_TIMEOUT)
    assert not rigged.claims.still_held(claim, NOW + LEASE)


def test_a_claim_taken_over_is_not_held_and_its_successor_is(rigged: Rigged) -> None:
    stale = rigged.claim()
    later = NOW + LEASE + timedelta(seconds=5)
    fresh = rigged.take_over(stale, later)
    assert fresh.fence > stale.fence
    assert not rigged.claims.still_held(stale, later)
    assert rigged.claims.still_held(fresh, later, HTTP_TIMEOUT)


def test_a_claim_whose_call_is_attached_is_not_held(rigged: Rigged) -> None:
    claim = rigged.claim()
    assert rigged.calls.attach(claim.attempt_id, claim.fence, "CA1")
    assert not rigged.claims.still_held(claim, NOW)


def test_a_paused_dialler_does_not_dial_a_claim_taken_over(rigged: Rigged) -> None:
    stale = rigged.claim()
    # Paused after its claim committed; meanwhile the lease ran out and another instance
    # swept and claimed the request again. The dialler resumes with its old `now`.
    resumed = NOW + LEASE + timedelta(seconds=30)
    fresh = rigged.take_over(stale, resumed - timedelta(seconds=20))
    assert rigged.dialler(lambda: resumed).place(rigged.config, stale, DIAL, NOW) is None
    assert rigged.phone.placed == []
    # The successor's attempt is left alone: still open, still dialable.
    assert rigged.attempt(fresh.attempt_id) == (None, None, None)
    assert rigged.claims.still_held(fresh, resumed, HTTP_TIMEOUT)


def test_the_clock_is_read_right_before_the_dial(rigged: Rigged) -> None:
    claim = rigged.claim()
    # The pass began at NOW, but the dial request would leave too close to the lease's end.
    late = NOW + LEASE - HTTP_TIMEOUT / 2
    assert rigged.dialler(lambda: late).place(rigged.config, claim, DIAL, NOW) is None
    assert rigged.phone.placed == []
    # Still ours, so it is ended as not dialled and the request goes back in line.
    outcome, ended_at, sid = rigged.attempt(claim.attempt_id)
    assert (outcome, ended_at, sid) == (NOT_DIALLED, late, None)
    request = rigged.store.get(claim.request.id)
    assert request is not None and request.state is State.WAITING
    assert request.attempts == claim.request.attempts - 1


def test_a_held_claim_is_dialled_and_its_call_attached(rigged: Rigged) -> None:
    claim = rigged.claim()
    sid = rigged.dialler(lambda: NOW + timedelta(seconds=1)).place(rigged.config, claim, DIAL, NOW)
    assert sid is not None and rigged.phone.placed == [sid]
    assert rigged.attempt(claim.attempt_id) == (None, None, sid)
    assert rigged.phone.hung_up == []


def test_without_a_clock_the_passes_now_is_checked(rigged: Rigged) -> None:
    claim = rigged.claim()
    assert rigged.dialler().place(rigged.config, claim, DIAL, NOW + LEASE) is None
    assert rigged.phone.placed == []


def test_a_call_placed_while_its_claim_was_taken_over_is_hung_up(rigged: Rigged) -> None:
    claim = rigged.claim()
    successors: list[Claim] = []
    later = NOW + LEASE + timedelta(seconds=1)
    rigged.phone.during = lambda sid: successors.append(rigged.take_over(claim, later))
    sid = rigged.dialler(lambda: NOW).place(rigged.config, claim, DIAL, NOW)
    assert sid is not None
    assert rigged.phone.hung_up == [sid]
    [fresh] = successors
    assert rigged.attempt(fresh.attempt_id) == (None, None, None)
    assert rigged.calls.attempt_for(sid) is None


def test_a_call_the_sweep_adopted_meanwhile_is_kept(rigged: Rigged) -> None:
    claim = rigged.claim()

    def adopt(sid: str) -> None:
        assert rigged.calls.attach(claim.attempt_id, claim.fence, sid)

    rigged.phone.during = adopt
    sid = rigged.dialler(lambda: NOW).place(rigged.config, claim, DIAL, NOW)
    assert sid is not None and rigged.phone.hung_up == []
    assert rigged.attempt(claim.attempt_id) == (None, None, sid)


def test_a_failed_hang_up_is_logged_not_raised(
    rigged: Rigged, caplog: pytest.LogCaptureFixture
) -> None:
    claim = rigged.claim()

    def take_over(sid: str) -> None:
        rigged.take_over(claim, NOW)

    rigged.phone.during = take_over
    rigged.phone.hang_up_error = TelephonyError("503", retryable=True, ambiguous=False, status=503)
    sid = rigged.dialler(lambda: NOW).place(rigged.config, claim, DIAL, NOW)
    assert sid is not None and rigged.phone.hung_up == []
    assert f"stale call {sid} not hung up" in caplog.text


def test_hang_up_completes_the_call_at_the_carrier() -> None:
    rig = Rig()
    sid = rig.place()
    rig.book.drain()
    rig.telephony.hang_up(sid)
    update = rig.records.rest[-1]
    assert update.method == "POST" and update.path.endswith(f"/Calls/{sid}.json")
    assert update.get("Status") == "completed"
    assert rig.book.drain() == [CallControl(sid, status=CallStatus.COMPLETED)]


def test_hanging_up_an_ended_call_is_a_clear_error() -> None:
    rig = Rig()
    sid = rig.place()
    rig.book.update_call(sid, lambda call: setattr(call, "status", CallStatus.COMPLETED))
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.hang_up(sid)
    assert not caught.value.retryable and not caught.value.ambiguous


def test_an_answered_request_keeps_its_attempt_when_given_back_late(rigged: Rigged) -> None:
    claim = rigged.claim()
    # The sweep read the request while dialling; the answer webhook connected it since.
    rigged.store.transition(claim.request.id, State.CONNECTED, NOW + timedelta(seconds=1))
    assert rigged.claims.return_undialled(claim, NOT_DIALLED, NOW + timedelta(seconds=2)) is None
    assert rigged.attempt(claim.attempt_id) == (None, None, None)
    request = rigged.store.get(claim.request.id)
    assert request is not None and request.state is State.CONNECTED


def test_a_request_cancelled_while_dialling_is_not_put_back_in_line(rigged: Rigged) -> None:
    claim = rigged.claim()
    cancelled_at = NOW + timedelta(seconds=1)
    rigged.store.transition(claim.request.id, State.CANCELLED, cancelled_at)
    assert rigged.claims.return_undialled(claim, NOT_DIALLED, NOW + timedelta(seconds=2)) is None
    # The cancellation closed the attempt; giving it back changes nothing.
    assert rigged.attempt(claim.attempt_id) == (State.CANCELLED.value, cancelled_at, None)
    request = rigged.store.get(claim.request.id)
    assert request is not None and request.state is State.CANCELLED
