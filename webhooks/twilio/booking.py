"""Turning a call into a callback request: its original place, its promise, its SMS."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from callback.estimate import Estimate
from callback.merge import Incoming
from callback.privacy import mask_number
from callback.request import CallbackRequest, ContextEntry, Slot
from callback.types import E164, Channel, QueueName
from ivr.call import QueueCall
from ivr.confirm import callback_confirmed, farewell
from ivr.links import Link
from ivr.menu import MENU_ATTEMPTS
from ivr.schedule import slot_confirmed
from ivr.spoken import clock
from webhooks.twilio.outlook import record_promise
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")


def next_try(link: Link, digits: str) -> int | None:
    """The attempt to show a menu again with after a wrong key or silence; None: use default."""
    attempt = link.attempt + (1 if digits else 0)
    return attempt if attempt < MENU_ATTEMPTS else None


@dataclass(frozen=True, slots=True)
class Booked:
    """A stored request and the estimate promised with it, if any."""

    request: CallbackRequest
    estimate: Estimate | None


REASON_NOTE = "reason"
"""The call event kind under which the reason chosen in the menu is kept."""


def book(
    turn: Turn,
    call: QueueCall,
    number: E164,
    slot: Slot | None,
    data: dict[str, Any],
    *,
    voicemail: bool = False,
) -> Booked:
    """Store (or merge) the caller's request, keeping the moment the call first arrived.

    A request from a voicemail is promised no time: the message may need listening to first.
    """
    svc, now = turn.svc, turn.now
    record = svc.calls.get(turn.call_sid) if turn.call_sid else None
    reason = svc.calls.last_note(turn.call_sid, REASON_NOTE) if turn.call_sid else None
    data = {"reason": reason, **data} if reason is not None else data
    incoming = Incoming(
        context=ContextEntry(Channel.IVR, now, {"call_sid": turn.call_sid[:64], **data}),
        virtual_start=record.arrived_at if record is not None else now,
        language=call.language,
        priority=call.settings.priority,
        slot=slot,
    )
    request = svc.store.enqueue(QueueName(call.queue), number, incoming, now).request
    if turn.call_sid:
        svc.calls.set_hold(turn.call_sid, None, now)
    estimate = record_promise(turn, request) if not voicemail and slot is None else None
    booked = Booked(request, estimate)
    text = confirmation_text(turn, call, booked, voicemail=voicemail)
    if text is not None and not svc.calls.is_suppressed(number):
        svc.notifier.send(number, text)  # the notifier sends off the webhook's path
    log.info("callback request %s booked for %s", request.id, mask_number(number))
    return booked


CANCEL_WORD = "CANCEL"
"""The reply that cancels, as the confirmation texts name it."""


def confirmation_text(
    turn: Turn, call: QueueCall, booked: Booked, *, voicemail: bool
) -> str | None:
    """The confirmation SMS in the caller's language: the slot, the promise, or the message."""
    request, estimate = booked.request, booked.estimate
    texts = call.speaker
    if request.slot is not None:
        window = texts.window(request.slot.start, request.slot.end, turn.now, call.zone)
        return texts.text("sms_scheduled", company=call.company, cancel=CANCEL_WORD, **window)
    if estimate is not None:
        position = turn.svc.store.position(request.id, turn.now)
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


def confirmation(turn: Turn, call: QueueCall, booked: Booked) -> str:
    """What the caller hears once booked: the slot, the promise, or a plain goodbye."""
    slot = booked.request.slot
    if slot is not None:
        return slot_confirmed(call, now=turn.now, slot=slot)
    if booked.estimate is not None:
        return callback_confirmed(call, estimate=booked.estimate)
    return farewell(call)
