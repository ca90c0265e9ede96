"""`POST /twilio/sms` (CANCEL, STOP, "1" to re-book) and `POST /twilio/sms-status`.

STOP also suppresses the number: nothing more is texted to it, and the reply is empty
because the carrier's own opt-out notice is the last message such a number receives.
"""

from __future__ import annotations

from datetime import timedelta

from twilio.twiml.messaging_response import MessagingResponse

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.service import booking
from callback.service.admission import Applicant, Refused
from callback.store.rebook import latest_failed
from callback.types import E164, PENDING_STATES, Channel, QueueName, State, is_e164
from ivr.spoken import clock
from webhooks.twilio.booking import CANCEL_WORD
from webhooks.twilio.guard import Reply
from webhooks.twilio.status import SID
from webhooks.twilio.turn import BadInput, Turn

CANCEL_WORDS = frozenset({"CANCEL"})
REBOOK_WORDS = frozenset({"1"})
REBOOK_WINDOW = timedelta(days=7)
"""How long after a failed series a "1" still books a new callback."""
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT"})
MESSAGE_STATUSES = frozenset(
    {"accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed", "read"}
)


def _reply(text: str | None) -> str:
    response = MessagingResponse()
    if text is not None:
        response.message(text)
    return str(response.to_xml())


def _sender(turn: Turn) -> E164:
    sender = turn.required("From")
    if not is_e164(sender):
        raise BadInput("From is not an E.164 number")
    return E164(sender)


def _cancel_all(turn: Turn, number: E164) -> int:
    cancelled = 0
    for queue in turn.config.queues:
        request = turn.svc.store.active_for(QueueName(queue), number)
        if request is not None and request.state in PENDING_STATES:
            turn.svc.store.transition(request.id, State.CANCELLED, turn.now)
            cancelled += 1
    return cancelled


def incoming_sms(turn: Turn) -> Reply:
    """CANCEL cancels the number's pending callbacks; STOP also suppresses the number."""
    number = _sender(turn)
    word = turn.field("Body").upper()
    if word in STOP_WORDS:
        _cancel_all(turn, number)
        turn.svc.calls.suppress(number, turn.now)
        return _reply(None)
    if word in CANCEL_WORDS and _cancel_all(turn, number):
        if turn.svc.calls.is_suppressed(number):
            return _reply(None)
        language = turn.call().language
        company = turn.config.service.company
        return _reply(turn.config.catalogue.render(language, "sms_cancelled", company=company))
    if word in REBOOK_WORDS:
        return _reply(_rebook(turn, number))
    return _reply(None)


def _rebook(turn: Turn, number: E164) -> str | None:
    """A new request in the queue of the number's last failed one; the confirmation text.

    Booked like any other channel's request: the same limits, counted together. Refused,
    nothing is answered: the sender of an SMS can be forged as easily as a caller ID.
    """
    failed = latest_failed(turn.svc.store.engine, number, turn.now - REBOOK_WINDOW)
    if failed is None or failed.queue not in turn.config.queues:
        return None
    accepted = turn.accepted(number, failed.queue)
    if accepted is None:
        return None
    incoming = Incoming(
        context=ContextEntry(Channel.SMS, turn.now, {"rebooked_from": failed.id}),
        virtual_start=turn.now,
        name=failed.name,
        language=failed.language,
        priority=failed.priority,
    )
    ask = booking.Ask(Applicant(failed.queue, accepted), incoming)
    done = turn.svc.bookings.book(turn.config, ask, turn.now)
    if isinstance(done, Refused):
        turn.svc.abuse.refused(done.tally, turn.now)
        return None
    if done.estimate is None or not done.may_text:
        return None
    call = turn.call(failed.queue, failed.language)
    return call.speaker.text(
        "sms_confirmation",
        company=call.company,
        position=done.position.number if done.position is not None else 1,
        time=clock(done.estimate.by, call.zone),
        cancel=CANCEL_WORD,
    )


def sms_status(turn: Turn) -> Reply:
    """Record a delivery status of a message we sent."""
    sid = turn.required("MessageSid")
    status = turn.required("MessageStatus")
    if not SID.fullmatch(sid) or status not in MESSAGE_STATUSES:
        raise BadInput("malformed MessageSid or MessageStatus")
    turn.svc.calls.note(sid, "sms", status, turn.now)
    return None
