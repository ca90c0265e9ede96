"""Scheduled callbacks: offer the next slots with capacity as keys 1..N, confirm the choice.

The slots offered travel in the menu's URL (start and end as Unix seconds), so the key
the caller presses means the slot they heard even if the offer would differ a moment
later; the route still checks the slot's capacity when it books it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from callback.request import Slot
from ivr.call import QueueCall
from ivr.links import MAX_CHOICES, Link, Step
from ivr.menu import goodbye, menu
from ivr.twiml import Document

_UNIX = re.compile(r"[0-9]{1,12}")
MAX_SLOTS = 4
"""Slots offered at once unless the route asks for another number (at most 9)."""


def slot_token(slot: Slot) -> str:
    """A slot as it travels in a link: "start-end" in Unix seconds."""
    return f"{int(slot.start.timestamp())}-{int(slot.end.timestamp())}"


def _token_slot(token: str) -> Slot | None:
    start, _, end = token.partition("-")
    if not (_UNIX.fullmatch(start) and _UNIX.fullmatch(end)):
        return None
    try:
        return Slot(datetime.fromtimestamp(int(start), UTC), datetime.fromtimestamp(int(end), UTC))
    except (ValueError, OverflowError, OSError):
        return None


def chosen_slot(link: Link, digits: str) -> Slot | None:
    """The slot key `digits` chose on the menu `link` came from; None for any other key."""
    if len(digits) != 1 or not "1" <= digits <= "9":
        return None
    index = int(digits) - 1
    return _token_slot(link.choices[index]) if index < len(link.choices) else None


def offer_slots(
    call: QueueCall,
    *,
    now: datetime,
    slots: Sequence[Slot],
    limit: int = MAX_SLOTS,
    attempt: int = 0,
) -> str:
    """The next slots with capacity as keys 1..N; with none left, a voicemail instead."""
    offered = tuple(slots[: min(limit, MAX_CHOICES)])
    doc = Document()
    if not offered:
        doc.say(call.speaker.line("no_slots"))
        doc.redirect(call.url(Step.VOICEMAIL))
        return doc.xml()
    choices = tuple(slot_token(slot) for slot in offered)
    prompt = menu(doc, call, call.link(Step.SLOT, attempt=attempt, choices=choices))
    prompt.say(call.speaker.line("slots_intro"))
    for digit, slot in enumerate(offered, start=1):
        window = call.speaker.window(slot.start, slot.end, now, call.zone)
        prompt.say(call.speaker.line("slot_choice", digit=digit, **window))
    return doc.xml()


def slot_confirmed(call: QueueCall, *, now: datetime, slot: Slot) -> str:
    """ "We will call you tomorrow between 09:00 and 09:30", then goodbye."""
    doc = Document()
    window = call.speaker.window(slot.start, slot.end, now, call.zone)
    doc.say(call.speaker.line("scheduled_confirmed", **window))
    goodbye(doc, call)
    return doc.xml()
