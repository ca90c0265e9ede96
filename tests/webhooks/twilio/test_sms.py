"""SMS replies: CANCEL and STOP, and delivery statuses."""

from __future__ import annotations

from callback.types import E164, RequestId, State
from tests.webhooks.twilio.conftest import CALLER, Twilio, waiting_request


def test_sms_stop_cancels_and_suppresses(twilio: Twilio) -> None:
    request_id = waiting_request(twilio)
    response = twilio.post("/twilio/sms", Body=" stop ", MessageSid="SM" + "1" * 32)
    assert response.status_code == 200 and "<Message" not in response.text
    stored = twilio.svc.store.get(RequestId(request_id))
    assert stored is not None and stored.state is State.CANCELLED
    assert twilio.svc.calls.is_suppressed(E164(CALLER))


def test_sms_cancel_replies_with_a_confirmation(twilio: Twilio) -> None:
    waiting_request(twilio)
    response = twilio.post("/twilio/sms", Body="Cancel", MessageSid="SM" + "2" * 32)
    assert "cancelled" in response.text


def test_sms_status_is_recorded_and_bad_ones_refused(twilio: Twilio) -> None:
    ok = twilio.post("/twilio/sms-status", MessageSid="SM" + "3" * 32, MessageStatus="delivered")
    assert ok.status_code == 204
    assert twilio.post("/twilio/sms-status", MessageStatus="delivered").status_code == 400


def test_a_suppressed_number_gets_no_confirmation_sms(twilio: Twilio) -> None:
    twilio.post("/twilio/sms", Body="STOP", MessageSid="SM" + "4" * 32)
    twilio.svc.calls.suppress(E164(CALLER), twilio.clock())
    assert twilio.svc.calls.is_suppressed(E164(CALLER))
    assert twilio.notifier.sent == []


def test_a_reply_from_a_number_that_is_not_e164_is_400(twilio: Twilio) -> None:
    assert twilio.post("/twilio/sms", From="anonymous", Body="STOP").status_code == 400
