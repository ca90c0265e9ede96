"""`POST /twilio/status`: call progress and answering-machine results, applied once, in rank.

A status is applied only when its rank is above the last one applied for the CallSid, so
duplicates and late arrivals change nothing. It never dials: a final status ends the dial
attempt through the settle use case (`callback.service.settle`). A machine verdict
moves the live call to the machine message in the background (`webhooks.twilio.amd`).
"""

from __future__ import annotations

import re

from callback.store.calls import FINAL_RANK
from webhooks.twilio.amd import machine_verdict
from webhooks.twilio.guard import Reply
from webhooks.twilio.turn import BadInput, Turn

RANKS = {
    "queued": 0,
    "initiated": 0,
    "ringing": 1,
    "in-progress": 2,
    "answered": 2,
    "completed": FINAL_RANK,
    "busy": FINAL_RANK,
    "failed": FINAL_RANK,
    "no-answer": FINAL_RANK,
    "canceled": FINAL_RANK,
}
"""Twilio's CallStatus values in the order a call goes through them."""
SID = re.compile(r"[A-Za-z0-9]{2,64}")
_ANSWERED_BY = re.compile(r"[a-z_]{1,32}")


def call_sid(turn: Turn) -> str:
    """The CallSid, which every call callback must carry in a plausible shape."""
    sid = turn.required("CallSid")
    if not SID.fullmatch(sid):
        raise BadInput("malformed CallSid")
    return sid


def status(turn: Turn) -> Reply:
    """Record the event; a final status of a dial attempt settles its request."""
    sid = call_sid(turn)
    answered_by = turn.field("AnsweredBy")
    call_status = turn.field("CallStatus")
    if answered_by and _ANSWERED_BY.fullmatch(answered_by):
        before = turn.svc.calls.set_answered_by(sid, answered_by, turn.now)
        machine_verdict(turn, sid, answered_by, before)
    elif not call_status:
        raise BadInput("missing CallStatus")
    if not call_status:
        return None
    rank = RANKS.get(call_status)
    if rank is None:
        raise BadInput("unknown CallStatus")
    if turn.svc.calls.advance(sid, call_status, rank, turn.now) and rank >= FINAL_RANK:
        turn.svc.settler.settle_call(turn.config, sid, call_status, turn.now)
        # A caller on hold, or on the way to an agent, who hung up: their place is freed.
        turn.svc.held.hung_up(sid, turn.now)
    return None
