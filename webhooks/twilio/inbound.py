"""The incoming call: recognition, welcome, language and reason menus, the offer, closed hours."""

from __future__ import annotations

from callback.request import CallbackRequest
from callback.store.arrival import NewCall
from callback.types import QueueName, State
from ivr import capture, inbound, recognise, voicemail
from ivr.hold import hold
from ivr.schedule import offer_slots
from webhooks.twilio.booking import REASON_NOTE, next_try
from webhooks.twilio.outlook import bookable, free_slots, standing
from webhooks.twilio.recognition import caller_key
from webhooks.twilio.turn import Arrived, Turn


def route_queue(turn: Turn) -> QueueName:
    """The queue that answers the called number; the first queue when none claims it."""
    called = turn.field("To")
    for name, settings in turn.config.queues.items():
        if called and called in settings.numbers:
            return QueueName(name)
    return QueueName(next(iter(turn.config.queues)))


async def arrive(turn: Turn) -> Turn:
    """Before `incoming`: store the call with the others arriving now (one commit for all)."""
    if not turn.call_sid:
        return turn
    queue = route_queue(turn)
    call = NewCall(turn.call_sid, queue, caller_key(turn), turn.now)
    return turn.arriving(Arrived(queue, await turn.svc.arrivals.arrive(call)))


def incoming(turn: Turn) -> str:
    """`POST /twilio/voice`: a caller with a pending callback hears it, others the welcome."""
    queue = route_queue(turn) if turn.arrived is None else turn.arrived.queue
    pending = _pending(turn, queue)
    if pending is not None and pending.state in (State.WAITING, State.SCHEDULED):
        position = turn.svc.store.position(pending.id, turn.now)
        call = turn.call(queue)
        return recognise.recognised(call, now=turn.now, request=pending, position=position)
    return welcome(turn, queue)


def _pending(turn: Turn, queue: QueueName) -> CallbackRequest | None:
    # Called without `arrive` (as tests may), the call is stored here, on its own.
    if turn.arrived is not None:
        found = turn.arrived.pending
        return None if found is None else turn.svc.store.get(found)
    caller = caller_key(turn)
    if turn.call_sid:
        return turn.svc.calls.arrive_known(turn.call_sid, queue, caller, turn.now)
    return turn.svc.store.active_for(queue, caller) if caller is not None else None


def welcome(turn: Turn, queue: QueueName) -> str:
    """The greeting and whatever comes next: closed hours, languages, reasons or the wait."""
    now = turn.now
    settings = turn.config.queues[queue]
    schedule = settings.schedule()
    needs = inbound.welcome_needs(settings, now=now, schedule=schedule)
    position = standing(turn, queue) if needs.standing else None
    slots = bookable(turn, queue) if needs.slots else False
    minute = now.replace(second=0, microsecond=0)
    # The call context (`turn.call`) is built only when the greeting is: it is made from the
    # queue and the link's language, so the link stands in for the language in the key.
    key = (queue, turn.link, minute, position, slots)
    return turn.svc.greetings.get(
        turn.config,
        key,
        lambda: inbound.welcome(
            turn.call(queue), now=now, schedule=schedule, standing=position, slots=slots
        ),
    )


def language(turn: Turn) -> str:
    """`Step.LANGUAGE`: the chosen language, a repeat, or the default language."""
    call = turn.call()
    code = inbound.language_digits(call).get(turn.digits)
    if code is None:
        attempt = next_try(turn.step, turn.digits)
        if attempt is not None:
            return inbound.language_menu(call, attempt=attempt)
        code = call.settings.default_language
    chosen = call.in_language(code)
    queue = QueueName(call.queue)
    slots = bookable(turn, queue)
    return inbound.language_chosen(chosen, standing=standing(turn, queue), slots=slots)


def reason(turn: Turn) -> str:
    """`Step.REASON`: position and wait after a reason (or after the menu's tries)."""
    call = turn.call()
    if turn.digits not in call.settings.reasons:
        attempt = next_try(turn.step, turn.digits)
        if attempt is not None:
            return inbound.reason_menu(call, attempt=attempt)
    chosen = call.settings.reasons.get(turn.digits)
    if chosen is not None and turn.call_sid:
        # Remembered with the call so the booking (a few webhooks later) can brief the agent.
        turn.svc.calls.note(turn.call_sid, REASON_NOTE, chosen.label, turn.now)
    queue = QueueName(call.queue)
    slots = bookable(turn, queue)
    return inbound.reason_chosen(call, standing=standing(turn, queue), slots=slots)


def offer(turn: Turn) -> str:
    """`Step.OFFER`: 1 a callback (number capture), 2 a time, anything else hold."""
    call = turn.call()
    if turn.digits == str(inbound.CALLBACK_DIGIT):
        return capture.start_capture(call, turn.caller(call.queue))
    if turn.digits == str(inbound.SCHEDULE_DIGIT):
        return offer_slots(call, now=turn.now, slots=free_slots(turn, QueueName(call.queue)))
    return hold(call)


def closed(turn: Turn) -> str:
    """`Step.CLOSED`: 1 books a time, 2 leaves a voicemail; a repeat, then goodbye."""
    call = turn.call()
    slots = free_slots(turn, QueueName(call.queue))
    if turn.digits == "1" and slots:
        return offer_slots(call, now=turn.now, slots=slots)
    if turn.digits == str(inbound.VOICEMAIL_DIGIT):
        return voicemail.voicemail(call)
    attempt = next_try(turn.step, turn.digits)
    if attempt is None:
        return voicemail.voicemail(call)
    schedule = call.settings.schedule()
    return inbound.closed(call, now=turn.now, schedule=schedule, slots=bool(slots), attempt=attempt)
