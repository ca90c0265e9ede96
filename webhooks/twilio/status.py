"""`POST /twilio/status`: call progress and answering-machine results, applied once, in rank.

A status is applied only when its rank is above the last one applied for the CallSid, so
duplicates and late arrivals change nothing. It never dials: a final status ends the dial
attempt and hands the request to the retry policy (or completes it). A machine verdict
moves the live call to the machine message in the background (`webhooks.twilio.amd`).
"""

from __future__ import annotations

import re
from datetime import datetime

from callback.config.policy import DialMode
from callback.request import CallbackRequest
from callback.retry import DialOutcome
from callback.store.calls import FINAL_RANK
from callback.types import State
from ivr.outbound import is_machine
from webhooks.services import Services
from webhooks.twilio.amd import machine_verdict
from webhooks.twilio.guard import Reply
from webhooks.twilio.settle import settle
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
_MISSED = {
    "busy": DialOutcome.BUSY,
    "no-answer": DialOutcome.NO_ANSWER,
    "failed": DialOutcome.FAILED,
    "canceled": DialOutcome.NO_ANSWER,
}
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
        _final(turn, sid, call_status)
    return None


def _final(turn: Turn, sid: str, call_status: str) -> None:
    attempt = turn.svc.calls.attempt_for(sid)
    if attempt is None or attempt.ended:
        return
    request = turn.svc.store.get(attempt.request_id)
    if request is None or request.is_final:
        return
    settle(turn, attempt, request, outcome_of(turn, request, sid, call_status))


def outcome_of(turn: Turn, request: CallbackRequest, sid: str, call_status: str) -> DialOutcome:
    """What a finished call means for the callback it was placed for."""
    if request.state is State.CONNECTED and call_status == "completed":
        return DialOutcome.CONNECTED
    mode = turn.config.callback_policy(request.queue).dial_mode
    if mode is DialMode.AGENT_FIRST and request.state is State.DIALING:
        return DialOutcome.AGENT_UNAVAILABLE
    if call_status != "completed":
        return _MISSED[call_status]
    record = turn.svc.calls.get(sid)
    machine = record is not None and is_machine(record.answered_by)
    return DialOutcome.MACHINE if machine else DialOutcome.DECLINED


def settle_recorded(svc: Services, now: datetime) -> int:
    """Settle calls whose final status was recorded before their CallSid was attached."""
    settled = 0
    for sid, call_status in svc.calls.ended_unsettled():
        turn = Turn(svc=svc, config=svc.config.current, now=now, form={"CallSid": sid})
        _final(turn, sid, call_status)
        settled += 1
    return settled
