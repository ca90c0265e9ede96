"""The phone's side of a booking: the call's details in, the one booking of every channel
(`callback.service.booking`), and what the caller hears and is texted."""

from __future__ import annotations

import logging
from typing import Any

from callback.merge import Incoming
from callback.numbers import AcceptedNumber
from callback.request import ContextEntry, Slot
from callback.service import booking
from callback.service.admission import Applicant, Refused
from callback.service.booking import Booked
from callback.types import Channel, QueueName
from ivr.call import QueueCall
from ivr.capture import callback_refused
from ivr.confirm import callback_confirmed, farewell
from ivr.links import Link
from ivr.menu import MENU_ATTEMPTS
from ivr.schedule import slot_confirmed
from ivr.spoken import clock
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")


def next_try(link: Link, digits: str) -> int | None:
    """The attempt to show a menu again with after a wrong key or silence; None: use default."""
    attempt = link.attempt + (1 if digits else 0)
    return attempt if attempt < MENU_ATTEMPTS else None


REASON_NOTE = "reason"
"""The call event kind under which the reason chosen in the menu is kept."""
CANCEL_WORD = "CANCEL"
"""The reply that cancels, as the confirmation texts name it."""


def book(
    turn: Turn,
    call: QueueCall,
    number: AcceptedNumber,
    slot: Slot | None,
    data: dict[str, Any],
    *,
    voicemail: bool = False,
) -> Booked | Refused:
    """Book the caller's callback on `number`, keeping the moment the call first arrived.

    A request from a voicemail is promised no time: the message may need listening to first.
    """
    sid, now = turn.call_sid, turn.now
    record = turn.svc.calls.get(sid) if sid else None
    reason = turn.svc.calls.last_note(sid, REASON_NOTE) if sid else None
    data = {"reason": reason, **data} if reason is not None else data
    incoming = Incoming(
        context=ContextEntry(Channel.IVR, now, {"call_sid": sid[:64], **data}),
        virtual_start=record.arrived_at if record is not None else now,
        language=call.language,
        priority=call.settings.priority,
        slot=slot,
    )
    applicant = Applicant(QueueName(call.queue), number)
    ask = booking.Ask(applicant, incoming, promise=not voicemail, call_sid=sid or None)
    done = turn.svc.bookings.book(
        turn.config, ask, now, lambda booked: confirmation_text(turn, call, booked, voicemail)
    )
    if isinstance(done, Refused):
        turn.svc.abuse.refused(done.tally, now)
    return done


def confirmation_text(turn: Turn, call: QueueCall, booked: Booked, voicemail: bool) -> str | None:
    """The confirmation SMS in the caller's language: the slot, the promise, or the message."""
    request, estimate = booked.request, booked.estimate
    texts = call.speaker
    if request.slot is not None:
        window = texts.window(request.slot.start, request.slot.end, turn.now, call.zone)
        return texts.text("sms_scheduled", company=call.company, cancel=CANCEL_WORD, **window)
    if estimate is not None:
        position = booked.position
        return texts.text(
            "sms_confirmation",
            company=call.company,
            position=position.number if position is not None else 1,
            time=clock(estimate.by, call.zone),
            cancel=CANCEL_WORD,
        )
    if voicemail:
        return texts.text("sms_voicemail", company=call.company, cancel=CANCEL_WORD)
    return None


def confirmation(turn: Turn, call: QueueCall, done: Booked | Refused) -> str:
    """What the caller hears: the slot, the promise or a goodbye; or what is still possible."""
    if isinstance(done, Refused):
        return callback_refused(call)
    slot = done.request.slot
    if slot is not None:
        return slot_confirmed(call, now=turn.now, slot=slot)
    if done.estimate is not None:
        return callback_confirmed(call, estimate=done.estimate)
    return farewell(call)
