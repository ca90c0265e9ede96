"""SMS replies: CANCEL, STOP, "1" to re-book, and delivery statuses."""

from __future__ import annotations

from datetime import timedelta

from callback.types import E164, Channel, QueueName, RequestId, State
from tests.webhooks.twilio.conftest import CALLER, Twilio, dialling, waiting_request


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


def failed_request(twilio: Twilio) -> int:
    """A request whose series of dials failed."""
    claim = dialling(twilio, "CA" + "7" * 32)
    twilio.svc.store.transition(claim.request.id, State.FAILED, twilio.clock())
    return int(claim.request.id)


def test_sms_1_after_a_failed_series_books_a_new_callback(twilio: Twilio) -> None:
    failed = failed_request(twilio)
    twilio.clock.advance(timedelta(hours=1))
    response = twilio.post("/twilio/sms", Body=" 1 ", MessageSid="SM" + "5" * 32)
    assert response.status_code == 200
    assert "number 1 in line" in response.text
    fresh = twilio.svc.store.active_for(QueueName("support"), E164(CALLER))
    assert fresh is not None and fresh.id != failed
    assert fresh.state is State.WAITING
    assert fresh.contexts[-1].channel is Channel.SMS
    assert fresh.contexts[-1].data == {"rebooked_from": failed}
    assert fresh.promise is not None


def test_sms_1_without_a_recent_failed_series_books_nothing(twilio: Twilio) -> None:
    response = twilio.post("/twilio/sms", Body="1", MessageSid="SM" + "6" * 32)
    assert "<Message" not in response.text
    assert twilio.svc.store.active_for(QueueName("support"), E164(CALLER)) is None
    failed_request(twilio)
    twilio.clock.advance(timedelta(days=8))
    response = twilio.post("/twilio/sms", Body="1", MessageSid="SM" + "8" * 32)
    assert "<Message" not in response.text
    assert twilio.svc.store.active_for(QueueName("support"), E164(CALLER)) is None


def test_sms_cancel_leaves_a_dialled_request_alone_and_sends_no_confirmation(
    twilio: Twilio,
) -> None:
    claim = dialling(twilio, "CA" + "8" * 32)
    response = twilio.post("/twilio/sms", Body="CANCEL", MessageSid="SM" + "8" * 32)
    assert response.status_code == 200 and "<Message" not in response.text
    stored = twilio.svc.store.get(claim.request.id)
    assert stored is not None and stored.state is State.DIALING
