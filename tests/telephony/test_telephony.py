"""The Twilio adapter through the real twilio client, against the simulated REST side."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from callback.carrier import CallStatus, TelephonyError, TooLate
from callback.types import E164
from devtools.carrier import Fault, Records, SimulatedTwilioHttp
from devtools.carrier.book import CallBook, CallControl, NewCall
from devtools.carrier.resources import CallResource
from telephony import TwilioTelephony, build_client
from tests.carrier_support import ACCOUNT

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CUSTOMER = E164("+442079460123")
SERVICE = "+442079460001"
APP = "https://holdless.example.org"


class Rig:
    """The simulated REST side with a settable clock, and the adapter wired to it."""

    def __init__(self, auth_token: str = ACCOUNT.auth_token) -> None:
        self.now = NOW
        self.book = CallBook(ACCOUNT.sid, seed=3)
        self.records = Records()
        self.http = SimulatedTwilioHttp(
            self.book, self.records, auth_token=ACCOUNT.auth_token, now=lambda: self.now
        )
        client = build_client(account_sid=ACCOUNT.sid, auth_token=auth_token, http_client=self.http)
        self.telephony = TwilioTelephony(client)

    def place(
        self, to: E164 = CUSTOMER, *, amd: bool = True, send_before: float | None = None
    ) -> str:
        return self.telephony.place_call(
            to=to,
            from_=SERVICE,
            url=f"{APP}/twilio/callback/answer?r=12",
            status_callback=f"{APP}/twilio/status",
            amd_callback=f"{APP}/twilio/status?amd=1",
            timeout_s=25,
            machine_detection=amd,
            send_before=send_before,
        )


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_place_call_sends_every_parameter_the_dispatcher_relies_on(rig: Rig) -> None:
    sid = rig.place()
    assert sid.startswith("CA") and len(sid) == 34
    [request] = rig.records.rest
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT.sid}/Calls.json"
    assert request.get("To") == CUSTOMER
    assert request.get("From") == SERVICE
    assert request.get("Url") == f"{APP}/twilio/callback/answer?r=12"
    assert request.get("Method") == "POST"
    assert request.get("StatusCallback") == f"{APP}/twilio/status"
    assert request.getall("StatusCallbackEvent") == [
        "initiated",
        "ringing",
        "answered",
        "completed",
    ]
    assert request.get("StatusCallbackMethod") == "POST"
    assert request.get("MachineDetection") == "Enable"
    assert request.get("AsyncAmd") == "true"
    assert request.get("AsyncAmdStatusCallback") == f"{APP}/twilio/status?amd=1"
    assert request.get("AsyncAmdStatusCallbackMethod") == "POST"
    assert request.get("Timeout") == "25"
    assert request.status == 201
    assert rig.book.drain() == [NewCall(sid)]


def test_a_call_is_sent_up_to_its_deadline(rig: Rig) -> None:
    assert rig.place(send_before=time.monotonic() + 60).startswith("CA")
    assert len(rig.records.rest) == 1


def test_a_call_past_its_deadline_is_never_sent(rig: Rig) -> None:
    # The process was paused after the dialler's own check: the adapter looks again.
    with pytest.raises(TooLate) as refused:
        rig.place(send_before=time.monotonic() - 1)
    assert not refused.value.ambiguous and not refused.value.retryable
    assert rig.records.rest == []


def test_without_machine_detection_no_amd_parameter_is_sent(rig: Rig) -> None:
    rig.place(amd=False)
    names = {name for name, _ in rig.records.rest[0].params}
    assert not names & {"MachineDetection", "AsyncAmd", "AsyncAmdStatusCallback"}


def test_a_missing_to_is_a_permanent_error_with_twilios_code(rig: Rig) -> None:
    with pytest.raises(TelephonyError) as caught:
        rig.place(to=E164(""))
    error = caught.value
    assert (error.status, error.code) == (400, 21201)
    assert not error.retryable and not error.ambiguous
    assert rig.book.calls() == []


def test_wrong_credentials_are_a_permanent_error() -> None:
    rig = Rig(auth_token="0" * 32)
    with pytest.raises(TelephonyError) as caught:
        rig.place()
    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert not caught.value.retryable


def test_an_unavailable_twilio_may_be_retried_and_did_nothing(rig: Rig) -> None:
    rig.http.inject(Fault(status=503))
    with pytest.raises(TelephonyError) as caught:
        rig.place()
    assert caught.value.retryable and not caught.value.ambiguous


def test_a_server_error_on_create_is_ambiguous(rig: Rig) -> None:
    rig.http.inject(Fault(status=500))
    with pytest.raises(TelephonyError) as caught:
        rig.place()
    assert caught.value.retryable and caught.value.ambiguous


def test_a_timeout_before_sending_is_safe_to_retry(rig: Rig) -> None:
    rig.http.inject(Fault(timeout="before"))
    with pytest.raises(TelephonyError) as caught:
        rig.place()
    assert caught.value.retryable and not caught.value.ambiguous
    assert rig.book.calls() == []


def test_a_timeout_after_sending_is_ambiguous_and_resolved_by_listing_calls(rig: Rig) -> None:
    rig.http.inject(Fault(timeout="after"))
    with pytest.raises(TelephonyError) as caught:
        rig.place()
    assert caught.value.ambiguous
    [made] = rig.book.calls()
    # The carrier dialled it after all: once it has started, the listing shows it.
    rig.book.update_call(made.sid, lambda call: setattr(call, "started", NOW))
    found = rig.telephony.calls_to(CUSTOMER, NOW - timedelta(minutes=1))
    assert [record.sid for record in found] == [made.sid]
    assert found[0].status is CallStatus.QUEUED
    assert found[0].started_at == NOW


def _start(call: CallResource, at: datetime) -> None:
    call.started = at


def test_calls_to_filters_by_number_and_time_of_day(rig: Rig) -> None:
    early, late = rig.place(), rig.place()
    other = rig.place(to=E164("+442079460999"))
    for sid, started in ((early, NOW - timedelta(hours=2)), (late, NOW), (other, NOW)):
        rig.book.update_call(sid, partial(_start, at=started))
    found = rig.telephony.calls_to(CUSTOMER, NOW - timedelta(minutes=5))
    assert [record.sid for record in found] == [late]
    listing = rig.records.rest[-1]
    assert listing.method == "GET" and listing.get("To") == CUSTOMER
    assert listing.get("StartTime>") == "2026-03-02T09:25:00Z"


def test_calls_to_reads_every_page(rig: Rig) -> None:
    sids = {rig.place() for _ in range(60)}
    for sid in sids:
        rig.book.update_call(sid, lambda call: setattr(call, "started", NOW))
    found = rig.telephony.calls_to(CUSTOMER, NOW)
    assert {record.sid for record in found} == sids
    assert sum(1 for r in rig.records.rest if r.method == "GET") == 2


def test_calls_to_needs_an_aware_time(rig: Rig) -> None:
    with pytest.raises(ValueError, match="timezone"):
        rig.telephony.calls_to(CUSTOMER, datetime(2026, 3, 2, 9, 0))


def test_a_failed_listing_is_retryable_and_never_ambiguous(rig: Rig) -> None:
    rig.http.inject(Fault(status=500))
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.calls_to(CUSTOMER, NOW)
    assert caught.value.retryable and not caught.value.ambiguous


def test_send_sms_returns_the_message_sid_and_sends_the_callback(rig: Rig) -> None:
    sid = rig.telephony.send_sms(
        to=CUSTOMER, from_=SERVICE, body="We will call you back", status_callback=f"{APP}/sms-s"
    )
    assert sid.startswith("SM")
    [request] = rig.records.rest
    assert request.path.endswith("/Messages.json")
    assert (request.get("To"), request.get("From")) == (CUSTOMER, SERVICE)
    assert request.get("Body") == "We will call you back"
    assert request.get("StatusCallback") == f"{APP}/sms-s"


def test_an_sms_without_a_body_is_refused(rig: Rig) -> None:
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.send_sms(to=CUSTOMER, from_=SERVICE, body="", status_callback=APP)
    assert (caught.value.status, caught.value.code) == (400, 21602)


def test_redirect_call_updates_the_live_call_with_a_new_url(rig: Rig) -> None:
    sid = rig.place()
    rig.book.drain()
    rig.telephony.redirect_call(sid, url=f"{APP}/twilio/ivr/answer?request=12")
    update = rig.records.rest[-1]
    assert (update.method, update.path) == (
        "POST",
        f"/2010-04-01/Accounts/{ACCOUNT.sid}/Calls/{sid}.json",
    )
    assert update.get("Url") == f"{APP}/twilio/ivr/answer?request=12"
    assert update.get("Method") == "POST"
    assert rig.book.drain() == [CallControl(sid, url=f"{APP}/twilio/ivr/answer?request=12")]


def test_redirecting_an_ended_call_is_a_clear_error_never_ambiguous(rig: Rig) -> None:
    sid = rig.place()
    rig.book.update_call(sid, lambda call: setattr(call, "status", CallStatus.COMPLETED))
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.redirect_call(sid, url=f"{APP}/twilio/ivr/answer")
    assert (caught.value.status, caught.value.code) == (400, 21220)
    assert not caught.value.retryable and not caught.value.ambiguous


def test_a_redirect_lost_in_transit_may_be_tried_again(rig: Rig) -> None:
    sid = rig.place()
    rig.http.inject(Fault(timeout="after"))
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.redirect_call(sid, url=f"{APP}/twilio/ivr/answer")
    assert caught.value.retryable and not caught.value.ambiguous
