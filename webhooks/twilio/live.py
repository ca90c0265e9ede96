"""A caller on hold meets an agent: the connect step, the agent's whisper, the Dial's end.

The dispatcher dequeued the caller by CallSid to the connect step; these handlers only
check the claim (held caller, fence, CallSid) and answer TwiML. They never dial by REST:
the caller's own call rings the agent with `<Dial>`.
"""

from __future__ import annotations

import logging

from callback.store.held_history import HeldCallerNotes
from callback.store.held_line import IN_LINE, HeldCaller, HeldState
from ivr import live
from ivr.call import QueueCall
from ivr.confirm import farewell
from ivr.hold import apology_on_hold
from scheduler.dispatch_dial import agent_endpoint
from webhooks.twilio.booking import REASON_NOTE
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")

NOT_YET_RINGING = frozenset({HeldState.OFFERED, HeldState.CONNECTING})
"""Claimed states in which the agent cannot have answered: a lost connect step rings nobody."""


def _claim(turn: Turn) -> tuple[int, int] | None:
    step = turn.step
    if step.request is None or step.fence is None:
        return None
    return step.request, step.fence


def _caller(turn: Turn) -> HeldCaller | None:
    claim = _claim(turn)
    return None if claim is None else turn.svc.held.held.get(claim[0])


def _as_it_stands(turn: Turn, call: QueueCall) -> str:
    """A stale or repeated step: a caller still in line holds on; anyone else hears goodbye."""
    caller = _caller(turn)
    if caller is not None and caller.state in IN_LINE:
        return live.back_on_hold(call)
    return farewell(call)


def connect(turn: Turn) -> str:
    """`Step.CONNECT`: the dequeued caller's call rings the claimed agent, with the whisper."""
    call = turn.call()
    claim = _claim(turn)
    found = None
    if claim is not None and turn.call_sid:
        found = turn.svc.held.connect(claim[0], claim[1], turn.call_sid, turn.now)
    if found is None:
        return _as_it_stands(turn, call)
    endpoint = agent_endpoint(turn.config, found.agent)
    if endpoint is None:  # the roster changed under the claim
        turn.svc.held.release(found.caller, turn.now)
        return live.back_on_hold(call)
    _note_caller(turn, found.caller.id, found.caller.fence, call.queue)
    agents = QueueCall.of(turn.config, call.queue)
    return live.connect(
        call, agent=endpoint, held_id=found.caller.id, fence=found.caller.fence, whisper_call=agents
    )


def _note_caller(turn: Turn, held_id: int, fence: int, queue: str) -> None:
    """For the agent's screen: the caller's masked number and earlier requests (never the
    number). A failure here must not cost the caller their agent, so it is only logged."""
    number = turn.caller(queue)
    if number is None:  # a hidden or unusable caller ID: nothing to match
        return
    try:
        HeldCallerNotes(turn.svc.store.engine).note(held_id, fence, number, turn.now)
    except Exception:
        log.exception("noting held caller %s for the agent's screen failed", held_id)


def whisper(turn: Turn) -> str:
    """`Step.LIVE_WHISPER`: on the agent's leg, who is waiting and why; a stale one hangs up."""
    claim = _claim(turn)
    agents = turn.call()
    if claim is None or not turn.svc.held.answered(claim[0], claim[1], turn.now):
        return live.decline()
    caller = turn.svc.held.held.get(claim[0])
    assert caller is not None
    reason = turn.svc.calls.last_note(caller.call_sid, REASON_NOTE)
    return live.whisper(agents, waited=turn.now - caller.virtual_start, reason=reason)


def connected(turn: Turn) -> str:
    """`Step.CONNECTED`: the agent's Dial ended: goodbye, or back on hold at the same place."""
    return _dial_over(turn, turn.field("DialCallStatus")[:32])


def connected_lost(turn: Turn) -> str:
    """Twilio's fallback for a `Step.CONNECTED` request that failed (`turn.step` is the
    failed link): the Dial is over, but how it went was lost with the request. The caller's
    row says: bridged means they talked (goodbye, served), else the agent did not answer
    (back on hold at the same place)."""
    caller = _caller(turn)
    talked = caller is not None and caller.state is HeldState.BRIDGED
    return _dial_over(turn, "completed" if talked else "no-answer")


def connect_lost(turn: Turn) -> str:
    """Twilio's fallback for a `Step.CONNECT` request that failed (`turn.step` is the failed
    link): the agent's `<Dial>` never reached the carrier, whether or not the step had moved
    the caller to connecting. The offer ends on our side's account (the agent free, not
    blamed) and the caller goes back on hold at their own place."""
    caller = _caller(turn)
    claim = _claim(turn)
    if (
        caller is not None
        and claim is not None
        and caller.fence == claim[1]
        and caller.call_sid == turn.call_sid
        and caller.state in NOT_YET_RINGING
    ):
        turn.svc.held.release(caller, turn.now)
    return apology_on_hold(turn.call())


def _dial_over(turn: Turn, dial_status: str) -> str:
    call = turn.call()
    claim = _claim(turn)
    if claim is None:
        return farewell(call)
    caller_status = turn.field("CallStatus")[:32]
    moved = turn.svc.held.dial_ended(claim[0], claim[1], dial_status, caller_status, turn.now)
    if moved is not None and moved.state in IN_LINE:
        return live.put_back(call)
    if moved is None:
        return _as_it_stands(turn, call)
    return farewell(call)
