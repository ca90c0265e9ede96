"""A machine verdict moves the live callback call to the machine message, once, off the path."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from starlette.testclient import TestClient

from callback.carrier import CallRecord, TelephonyError
from callback.types import E164, State
from ivr.links import Step, parse_url
from settings import Settings
from tests.webhooks.twilio.conftest import PUBLIC, Clock, Twilio, dialling, says, verbs
from webhooks.app import create_app
from webhooks.twilio.amd import redirect
from webhooks.twilio.notify import MemoryNotifier

SID = "CA" + "7" * 32
WAIT_S = 5.0
"""Real seconds a test waits for the background redirect (it takes milliseconds)."""


@dataclass
class RedirectingPhone:
    """A `Telephony` that only redirects: it records each redirect and can fail with `error`."""

    redirects: list[tuple[str, str]] = field(default_factory=list)
    error: Exception | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def place_call(self, **params: object) -> str:
        raise AssertionError("no dial from a webhook")

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        raise AssertionError("SMS go through the notifier")

    def calls_to(self, number: E164, since: datetime) -> list[CallRecord]:
        raise AssertionError("no lookups from a webhook")

    def redirect_call(self, sid: str, *, url: str) -> None:
        try:
            if self.error is not None:
                raise self.error
            self.redirects.append((sid, url))
        finally:
            self.done.set()

    def hang_up(self, sid: str) -> None:
        raise AssertionError("no hang-up expected")

    def call_status(self, sid: str) -> CallRecord | None:
        raise AssertionError("no lookup by CallSid expected")


@pytest.fixture
def phone() -> RedirectingPhone:
    return RedirectingPhone()


@pytest.fixture
def twilio(settings: Settings, clock: Clock, phone: RedirectingPhone) -> Iterator[Twilio]:
    notifier = MemoryNotifier()
    app = create_app(settings, clock=clock, ticker=False, notifier=notifier, telephony=phone)
    with TestClient(app) as client:
        yield Twilio(client, clock, notifier)


def _verdict(twilio: Twilio, answered_by: str, sid: str = SID) -> None:
    response = twilio.post(
        "/twilio/status", CallSid=sid, CallStatus="in-progress", AnsweredBy=answered_by
    )
    assert response.status_code == 204


@pytest.mark.parametrize("machine", ["machine_start", "fax", "machine_end_beep"])
def test_a_machine_verdict_redirects_the_call_to_its_answer_url(
    twilio: Twilio, phone: RedirectingPhone, machine: str
) -> None:
    claim = dialling(twilio, SID)
    _verdict(twilio, machine)
    assert phone.done.wait(WAIT_S)
    [(sid, url)] = phone.redirects
    assert sid == SID
    assert url.startswith(f"{PUBLIC}/twilio/ivr/answer?")
    link = parse_url(url)
    assert (link.step, link.request, link.queue) == (Step.ANSWER, claim.request.id, "support")
    # The redirected fetch carries no AnsweredBy: the stored verdict picks the message.
    message = twilio.twiml(url.removeprefix(PUBLIC), CallSid=SID)
    assert verbs(message) == ["Say", "Hangup"]
    assert "We will try again later, so there is no need to call us back." in says(message)


def test_a_repeated_verdict_redirects_once(twilio: Twilio, phone: RedirectingPhone) -> None:
    dialling(twilio, SID)
    _verdict(twilio, "machine_start")
    assert phone.done.wait(WAIT_S)
    phone.done.clear()
    _verdict(twilio, "machine_start")
    _verdict(twilio, "fax")
    assert not phone.done.wait(0.2)
    assert len(phone.redirects) == 1


@pytest.mark.parametrize("answered_by", ["human", "unknown"])
def test_a_person_is_not_redirected(
    twilio: Twilio, phone: RedirectingPhone, answered_by: str
) -> None:
    dialling(twilio, SID)
    _verdict(twilio, answered_by)
    assert not phone.done.wait(0.2)
    assert phone.redirects == []


def test_a_customer_already_connected_is_not_redirected(
    twilio: Twilio, phone: RedirectingPhone
) -> None:
    claim = dialling(twilio, SID)
    twilio.svc.store.transition(claim.request.id, State.CONNECTED, twilio.clock())
    _verdict(twilio, "machine_start")
    assert not phone.done.wait(0.2)
    assert phone.redirects == []


def test_an_ended_call_or_an_unknown_one_is_not_redirected(
    twilio: Twilio, phone: RedirectingPhone
) -> None:
    dialling(twilio, SID)
    assert twilio.post("/twilio/status", CallSid=SID, CallStatus="completed").status_code == 204
    _verdict(twilio, "machine_start")
    _verdict(twilio, "machine_start", sid="CA" + "8" * 32)
    assert not phone.done.wait(0.2)
    assert phone.redirects == []


def test_agent_first_calls_are_not_redirected(twilio: Twilio, phone: RedirectingPhone) -> None:
    dialling(twilio, SID, queue="sales", agent="dagur")
    _verdict(twilio, "machine_start")
    assert not phone.done.wait(0.2)
    assert phone.redirects == []


def test_a_failed_redirect_is_logged_and_never_raised(
    phone: RedirectingPhone, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="holdless.twilio")
    phone.error = TelephonyError("Twilio answered HTTP 400", retryable=False, ambiguous=False)
    redirect(phone, SID, f"{PUBLIC}/twilio/ivr/answer")
    phone.error = TelephonyError("gone", retryable=False, ambiguous=False, status=400, code=21220)
    redirect(phone, SID, f"{PUBLIC}/twilio/ivr/answer")
    phone.error = RuntimeError("a bug")
    redirect(phone, SID, f"{PUBLIC}/twilio/ivr/answer")
    levels = [record.levelname for record in caplog.records]
    assert levels == ["WARNING", "INFO", "ERROR"]
