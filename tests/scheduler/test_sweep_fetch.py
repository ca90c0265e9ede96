"""`Telephony.call_status`: the sweep's Calls fetch through the real twilio client, against
the simulated carrier's REST side."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callback.carrier import CallStatus, TelephonyError
from callback.types import E164
from devtools.carrier import Fault, Records, SimulatedTwilioHttp
from devtools.carrier.book import CallBook
from devtools.carrier.resources import CallResource
from telephony import TwilioTelephony, build_client
from tests.carrier_support import ACCOUNT

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CUSTOMER = E164("+442079460123")  # Ofcom's drama range
APP = "https://holdless.example.org"


class Rig:
    """The simulated REST side and the adapter wired to it."""

    def __init__(self) -> None:
        self.book = CallBook(ACCOUNT.sid, seed=5)
        self.records = Records()
        self.http = SimulatedTwilioHttp(
            self.book, self.records, auth_token=ACCOUNT.auth_token, now=lambda: NOW
        )
        client = build_client(
            account_sid=ACCOUNT.sid, auth_token=ACCOUNT.auth_token, http_client=self.http
        )
        self.telephony = TwilioTelephony(client)

    def place(self) -> str:
        return self.telephony.place_call(
            to=CUSTOMER,
            from_="+442079460001",
            url=f"{APP}/twilio/callback/answer?r=12",
            status_callback=f"{APP}/twilio/status",
            amd_callback=f"{APP}/twilio/status?amd=1",
            timeout_s=25,
        )


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_a_placed_call_is_fetched_by_its_sid(rig: Rig) -> None:
    sid = rig.place()
    found = rig.telephony.call_status(sid)
    assert found is not None
    assert (found.sid, found.status, found.started_at) == (sid, CallStatus.QUEUED, None)
    fetch = rig.records.rest[-1]
    assert (fetch.method, fetch.status) == ("GET", 200)
    assert fetch.path == f"/2010-04-01/Accounts/{ACCOUNT.sid}/Calls/{sid}.json"


def test_a_call_that_ended_is_fetched_with_its_final_status(rig: Rig) -> None:
    sid = rig.place()

    def finish(call: CallResource) -> None:
        call.status, call.started, call.ended = CallStatus.COMPLETED, NOW, NOW

    rig.book.update_call(sid, finish)
    found = rig.telephony.call_status(sid)
    assert found is not None and found.status is CallStatus.COMPLETED and found.status.is_final
    assert found.started_at == NOW


def test_an_unknown_call_is_none(rig: Rig) -> None:
    assert rig.telephony.call_status("CA" + "0" * 32) is None
    assert rig.records.rest[-1].status == 404


def test_a_failed_fetch_is_a_retryable_error_that_never_is_ambiguous(rig: Rig) -> None:
    sid = rig.place()
    rig.http.inject(Fault(status=500))
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.call_status(sid)
    assert caught.value.retryable and not caught.value.ambiguous
    rig.http.inject(Fault(timeout="after"))
    with pytest.raises(TelephonyError) as caught:
        rig.telephony.call_status(sid)
    assert caught.value.retryable and not caught.value.ambiguous
