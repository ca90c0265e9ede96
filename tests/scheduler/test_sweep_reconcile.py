"""The lease sweep reconciles what status callbacks never told, on SQLite and PostgreSQL.

Twilio does not retry a status callback that failed, and a dial whose REST reply was lost
has no CallSid: in both cases only asking the carrier settles the request (issue 4).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callback.carrier import CallRecord, CallStatus, TelephonyError
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store.presence import AgentStatus
from callback.store.tables import ATTEMPT
from callback.types import E164, AgentId, Channel, QueueName, RequestId, State
from ivr.links import Link, Step
from settings import Settings
from webhooks.assembly import build_services
from webhooks.services import Services
from webhooks.twilio import outbound, status
from webhooks.twilio.notify import LogNotifier
from webhooks.twilio.turn import Turn

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
# Monday 2 March 2026, 10:00 in London: the example's support queue (customer-first) is open.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SUPPORT = QueueName("support")
CUSTOMER = E164("+442079460456")  # Ofcom's drama range
LEASE = timedelta(minutes=2)  # the example's callback lease
AFTER_LEASE = LEASE + timedelta(minutes=1)


@dataclass
class Carrier:
    """`Telephony` whose calls go where the test says; it records every lookup."""

    calls: dict[str, CallRecord] = field(default_factory=dict)
    numbers: dict[str, E164] = field(default_factory=dict)
    reply_lost: bool = False
    lookups_fail: bool = False
    listed: bool = True
    fetched: list[str] = field(default_factory=list)

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
        sid = f"CA{len(self.calls) + 1:032d}"
        self.calls[sid] = CallRecord(sid, CallStatus.QUEUED, None)
        self.numbers[sid] = to
        if self.reply_lost:  # the call was placed; the reply carrying its CallSid was not read
            raise TelephonyError("read timeout", retryable=True, ambiguous=True)
        return sid

    def end(self, sid: str, final: CallStatus, at: datetime) -> None:
        self.calls[sid] = CallRecord(sid, final, at)

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        raise AssertionError("no SMS expected")

    def redirect_call(self, sid: str, *, url: str) -> None:
        raise AssertionError("no redirect expected")

    def hang_up(self, sid: str) -> None:
        raise AssertionError("no hang-up expected")

    def call_status(self, sid: str) -> CallRecord | None:
        self.fetched.append(sid)
        self._check()
        return self.calls.get(sid)

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        self._check()
        if not self.listed:
            return []
        return [call for sid, call in self.calls.items() if self.numbers[sid] == number]

    def _check(self) -> None:
        if self.lookups_fail:
            raise TelephonyError("503", retryable=True, ambiguous=False, status=503)


@dataclass
class Line:
    """The app's services on one database, a customer waiting and an agent free."""

    svc: Services
    carrier: Carrier
    request: RequestId

    def turn(self, form: dict[str, str], now: datetime, link: Link | None = None) -> Turn:
        return Turn(self.svc, self.svc.config.current, now, form, link)

    def dial(self) -> str:
        self.svc.dispatcher.dispatch(MONDAY_10)
        [sid] = self.carrier.calls
        return sid

    def answer(self, sid: str, at: datetime) -> None:
        """The customer picks up and presses 1 for the agent; the URL names the request."""
        link = Link(Step.ANSWER, queue=SUPPORT, lang="en", request=self.request)
        outbound.answer(self.turn({"CallSid": sid, "Digits": "1"}, at, link))

    def status(self, sid: str, call_status: str, at: datetime) -> None:
        status.status(self.turn({"CallSid": sid, "CallStatus": call_status}, at))

    def state(self) -> State:
        found = self.svc.store.get(self.request)
        assert found is not None
        return found.state

    def attempt(self) -> tuple[str | None, datetime, datetime | None]:
        """The CallSid, lease and end of the request's only dial attempt."""
        query = select(ATTEMPT.c.call_sid, ATTEMPT.c.lease_until, ATTEMPT.c.ended_at)
        with self.svc.store.engine.connect() as connection:
            sid, lease, ended = connection.execute(query).one()
        return sid, lease, ended


@pytest.fixture
def line(db_url: str, tmp_path: Path) -> Iterator[Line]:
    config = tmp_path / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)
    settings = Settings(_env_file=None, database_url=db_url, config_file=config)
    carrier = Carrier()
    svc = build_services(settings, lambda: MONDAY_10, notifier=LogNotifier(), telephony=carrier)
    svc.presence.sync_roster([AgentId("alice")], MONDAY_10)
    off, on = AgentStatus.OFFLINE, AgentStatus.AVAILABLE
    assert svc.presence.set_status(AgentId("alice"), off, on, MONDAY_10, "test")
    incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
    request = svc.store.enqueue(SUPPORT, CUSTOMER, incoming, MONDAY_10).request.id
    try:
        yield Line(svc, carrier, request)
    finally:
        svc.store.close()


def test_a_lost_final_status_of_an_unanswered_call_is_fetched_and_settled(line: Line) -> None:
    sid = line.dial()
    line.status(sid, "ringing", MONDAY_10 + timedelta(seconds=5))
    # The "no-answer" callback is lost: Twilio does not send it again.
    line.carrier.end(sid, CallStatus.NO_ANSWER, MONDAY_10 + timedelta(seconds=30))
    assert line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE) == 0
    assert line.carrier.fetched == [sid]
    assert line.state() is State.WAITING  # back in line for its next try
    stored = line.svc.store.get(line.request)
    assert stored is not None and stored.attempts == 1  # the customer was rung
    assert line.attempt()[2] is not None
    record = line.svc.calls.get(sid)
    assert record is not None and record.status == "no-answer"


def test_a_lost_completed_status_of_a_connected_call_completes_the_request(line: Line) -> None:
    sid = line.dial()
    line.answer(sid, MONDAY_10 + timedelta(seconds=10))
    assert line.state() is State.CONNECTED
    line.carrier.end(sid, CallStatus.COMPLETED, MONDAY_10 + timedelta(minutes=2))
    line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE)
    assert line.state() is State.COMPLETED
    assert line.attempt()[2] is not None  # the agent is let go


def test_a_long_call_is_held_for_another_lease_and_checked_once_per_lease(line: Line) -> None:
    sid = line.dial()
    line.answer(sid, MONDAY_10 + timedelta(seconds=10))
    line.carrier.end(sid, CallStatus.IN_PROGRESS, MONDAY_10)  # still talking
    first = MONDAY_10 + AFTER_LEASE
    line.svc.dispatcher.sweep(first)
    assert line.attempt()[1] == first + LEASE
    line.svc.dispatcher.sweep(first + LEASE - timedelta(seconds=1))  # the new lease runs
    assert line.carrier.fetched == [sid]
    assert line.state() is State.CONNECTED
    line.svc.dispatcher.sweep(first + LEASE + timedelta(seconds=1))
    assert line.carrier.fetched == [sid, sid]


def test_a_failed_lookup_changes_nothing_and_the_next_sweep_settles(line: Line) -> None:
    sid = line.dial()
    line.carrier.end(sid, CallStatus.BUSY, MONDAY_10 + timedelta(seconds=3))
    line.carrier.lookups_fail = True
    line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE)
    assert line.state() is State.DIALING
    line.carrier.lookups_fail = False
    line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE + timedelta(seconds=15))
    assert line.state() is State.WAITING


def test_an_answered_ambiguous_dial_is_found_attached_and_completed(line: Line) -> None:
    line.carrier.reply_lost = True
    sid = line.dial()
    assert line.attempt()[0] is None  # the CallSid never reached us
    line.answer(sid, MONDAY_10 + timedelta(seconds=10))  # found by the request id in its URL
    assert line.state() is State.CONNECTED
    line.carrier.end(sid, CallStatus.COMPLETED, MONDAY_10 + timedelta(minutes=1))
    line.status(sid, "completed", MONDAY_10 + timedelta(minutes=1))  # no attempt has this sid
    assert line.state() is State.CONNECTED
    line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE)
    assert line.attempt()[0] == sid
    assert line.state() is State.COMPLETED
    assert line.attempt()[2] is not None  # the attempt ended: the agent is let go


def test_an_answered_call_missing_from_the_carriers_list_is_not_given_back(line: Line) -> None:
    line.carrier.reply_lost = True
    sid = line.dial()
    line.answer(sid, MONDAY_10 + timedelta(seconds=10))
    line.carrier.listed = False  # the carrier's call list lags behind
    assert line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE) == 0
    assert line.state() is State.CONNECTED
    assert line.attempt()[2] is None  # still open: the next sweep looks again
    line.carrier.listed = True
    line.svc.dispatcher.sweep(MONDAY_10 + AFTER_LEASE + timedelta(seconds=15))
    assert line.attempt()[0] == sid
