"""Scheduled callbacks: the slots menu and the chosen slot, checked for room again."""

from __future__ import annotations

from callback.types import QueueName
from ivr import capture
from ivr.confirm import farewell
from ivr.schedule import chosen_slot, offer_slots
from webhooks.twilio.booking import book, confirmation, next_try
from webhooks.twilio.outlook import free_slots, has_room
from webhooks.twilio.turn import Turn


def slots(turn: Turn) -> str:
    """`Step.SLOTS`: the next free slots as keys."""
    call = turn.call()
    return offer_slots(call, now=turn.now, slots=free_slots(turn, QueueName(call.queue)))


def slot(turn: Turn) -> str:
    """`Step.SLOT`: book the chosen slot if it still has room, else offer the slots again."""
    call = turn.call()
    queue = QueueName(call.queue)
    chosen = chosen_slot(turn.step, turn.digits)
    if chosen is None:
        attempt = next_try(turn.step, turn.digits)
        if attempt is None:
            return farewell(call)
        free = free_slots(turn, queue)
        return offer_slots(call, now=turn.now, slots=free, attempt=attempt)
    if not has_room(turn, queue, chosen.start) or chosen.start <= turn.now:
        return offer_slots(call, now=turn.now, slots=free_slots(turn, queue))
    attempt_of_call = turn.svc.calls.attempt_for(turn.call_sid) if turn.call_sid else None
    if attempt_of_call is not None:  # a callback customer choosing another time
        found = turn.svc.store.get(attempt_of_call.request_id)
        number = None if found is None else turn.accepted(found.number, found.queue)
        if number is not None:
            done = book(turn, call, number, chosen, {"source": "reschedule"})
            return confirmation(turn, call, done)
    if turn.call_sid:
        turn.svc.calls.set_slot(turn.call_sid, chosen, turn.now)
    return capture.start_capture(call, turn.caller(call.queue))
