"""The callback call: the customer's answer, the agent's whisper, the bridge, the survey."""

from __future__ import annotations

from datetime import timedelta

from callback.carrier import is_machine
from callback.config.policy import DialMode
from callback.request import CallbackRequest, ContextEntry
from callback.retry import DialOutcome
from callback.service.settle import MISSED
from callback.store.calls import AttemptRecord
from callback.store.records import StateConflict
from callback.types import Channel, RequestId, State
from ivr import outbound, survey
from ivr.apology import apology
from ivr.call import QueueCall
from ivr.confirm import farewell
from ivr.schedule import offer_slots
from ivr.whisper import Briefing, whisper
from webhooks.twilio.booking import next_try
from webhooks.twilio.outlook import free_slots
from webhooks.twilio.turn import Turn

CONNECT, RESCHEDULE = str(outbound.CONNECT_DIGIT), str(outbound.RESCHEDULE_DIGIT)


def _request(turn: Turn) -> CallbackRequest | None:
    request_id = turn.step.request
    return turn.svc.store.get(RequestId(request_id)) if request_id is not None else None


def _attempt(turn: Turn) -> AttemptRecord | None:
    request = turn.link.request if turn.link is not None else None
    return turn.svc.calls.attempt_for(turn.call_sid, request) if turn.call_sid else None


def _customer_call(turn: Turn, request: CallbackRequest) -> QueueCall:
    return turn.call(request.queue, request.language)


def _agent_call(turn: Turn, request: CallbackRequest) -> QueueCall:
    return QueueCall.of(turn.config, request.queue)


def _caller_id(turn: Turn, request: CallbackRequest) -> str:
    own = turn.config.queues[request.queue].numbers or turn.config.service.numbers
    return own[0]


def agent_endpoint(turn: Turn, request: CallbackRequest, agent_id: str | None) -> str | None:
    """The endpoint of the agent claimed for the call; None when no agent is held for it.

    Never another agent of the queue: one not claimed may be talking to someone else (the
    chaos `kills` scenario found agents rung with a second party this way).
    """
    chosen = [agent for agent in turn.config.agents if agent.id == agent_id]
    return chosen[0].endpoint if chosen else None


def answer(turn: Turn) -> str:
    """`Step.ANSWER`: the callback call was answered (customer-first) or the agent's (first)."""
    request = _request(turn)
    if request is None or request.is_final:
        return farewell(turn.call())
    if turn.config.callback_policy(request.queue).dial_mode is DialMode.AGENT_FIRST:
        return _brief_agent(turn, request)
    call = _customer_call(turn, request)
    if not turn.digits and turn.step.attempt == 0:  # the answer itself, not the menu's repeat
        return outbound.answered(call, request=request.id, answered_by=_answered_by(turn))
    if turn.digits == CONNECT:
        return _connect(turn, request, call)
    if turn.digits == RESCHEDULE:
        return _reschedule(turn, request, call)
    return _no_choice(turn, request, call)


def _answered_by(turn: Turn) -> str | None:
    """AnsweredBy of a synchronous verdict (stored), else the one the status route stored.

    The second is how a machine found by asynchronous detection, and redirected here by
    `webhooks.twilio.amd`, gets the machine message instead of the menu.
    """
    answered_by = turn.field("AnsweredBy")[:32]
    if answered_by and turn.call_sid:
        turn.svc.calls.set_answered_by(turn.call_sid, answered_by, turn.now)
        return answered_by
    record = turn.svc.calls.get(turn.call_sid) if turn.call_sid else None
    return record.answered_by if record is not None else None


def _no_choice(turn: Turn, request: CallbackRequest, call: QueueCall) -> str:
    # Asynchronous detection reports a machine while the menu plays: leave the message now.
    record = turn.svc.calls.get(turn.call_sid) if turn.call_sid else None
    if record is not None and is_machine(record.answered_by):
        return outbound.machine_message(call)
    attempt = next_try(turn.step, turn.digits)
    if attempt is None:
        return farewell(call)
    return outbound.answer_menu(call, request=request.id, attempt=attempt)


def _connect(turn: Turn, request: CallbackRequest, call: QueueCall) -> str:
    attempt = _attempt(turn)
    if attempt is None or attempt.ended:
        # No agent is held for this call any more (the sweep ended its attempt): goodbye;
        # the request is back in line and they are called again.
        return farewell(call)
    agent = agent_endpoint(turn, request, attempt.agent_id)
    if agent is None:
        return apology(call.queue, call.speaker)
    try:
        turn.svc.store.transition(request.id, State.CONNECTED, turn.now, expected=State.DIALING)
        _reached(turn, request)
    except StateConflict as conflict:
        if conflict.actual is not State.CONNECTED:
            return farewell(call)
    caller_id = _caller_id(turn, request)
    return outbound.bridge(call, request=request.id, agent=agent, caller_id=caller_id)


def _reached(turn: Turn, request: CallbackRequest) -> None:
    """The person is on the line: how far the wait they were promised was from the real one."""
    promise = request.promise
    if promise is not None:
        turn.svc.metrics.reached(request.queue, promise.wait, turn.now - promise.announced_at)


def _reschedule(turn: Turn, request: CallbackRequest, call: QueueCall) -> str:
    attempt = _attempt(turn)
    if attempt is not None and not attempt.ended:
        turn.svc.settler.settle(turn.config, attempt, DialOutcome.DECLINED, turn.now)
    return offer_slots(call, now=turn.now, slots=free_slots(turn, request.queue))


def briefing(turn: Turn, request: CallbackRequest) -> Briefing:
    """What the agent hears about `request`."""
    attempts = max(turn.config.callback_policy(request.queue).max_attempts, request.attempts, 1)
    data = {key: value for entry in request.contexts for key, value in entry.data.items()}
    recording = data.get("recording_url")
    text = data.get("transcription")
    return Briefing(
        waited=max(turn.now - request.virtual_start, timedelta(0)),
        attempt=min(max(request.attempts, 1), attempts),
        attempts=attempts,
        reason=str(data["reason"]) if "reason" in data else None,
        context=str(text) if text else None,
        recording_url=str(recording) if recording else None,
    )


def _brief_agent(turn: Turn, request: CallbackRequest) -> str:
    return outbound.agent_first(
        _agent_call(turn, request),
        request=request.id,
        briefing=briefing(turn, request),
        customer=request.number,
        caller_id=_caller_id(turn, request),
    )


def agent_whisper(turn: Turn) -> str:
    """`Step.WHISPER`: the briefing on the agent's leg, in the agents' language."""
    request = _request(turn)
    if request is None:
        return farewell(turn.call())
    return whisper(_agent_call(turn, request), briefing(turn, request))


def customer(turn: Turn) -> str:
    """`Step.CUSTOMER`: agent-first, what the customer hears before the bridge."""
    request = _request(turn)
    if request is None:
        return farewell(turn.call())
    # The agent is on the line already: the customer's wait ends now, not when the bridge does.
    turn.svc.accuracy.reached(request.id, turn.now)
    return outbound.customer_greeting(_customer_call(turn, request))


def bridged(turn: Turn) -> str:
    """`Step.BRIDGED`: the Dial ended; settle unbridged calls, then survey or goodbye."""
    request = _request(turn)
    if request is None:
        return farewell(turn.call())
    dial_status = turn.field("DialCallStatus")[:32]
    joined = dial_status in outbound.BRIDGED_STATUSES
    agent_first = turn.config.callback_policy(request.queue).dial_mode is DialMode.AGENT_FIRST
    attempt = _attempt(turn)
    turn.svc.metrics.bridge(request.queue, dial_status)
    if joined and agent_first and request.state is State.DIALING:
        turn.svc.store.transition(request.id, State.CONNECTED, turn.now, expected=State.DIALING)
        _reached(turn, request)
    elif not joined and attempt is not None and not attempt.ended and not request.is_final:
        missed = DialOutcome.AGENT_UNAVAILABLE
        if agent_first:
            missed = MISSED.get(dial_status, DialOutcome.FAILED)
        turn.svc.settler.settle(turn.config, attempt, missed, turn.now)
    if agent_first:
        return outbound.agent_bridge_ended(_agent_call(turn, request), dial_status=dial_status)
    call = _customer_call(turn, request)
    wanted = turn.config.queues[request.queue].survey
    return outbound.customer_bridge_ended(
        call, request=request.id, dial_status=dial_status, survey=wanted
    )


def rate(turn: Turn) -> str:
    """`Step.SURVEY`: store a rating from 1 to 5 on the request, then thanks."""
    request = _request(turn)
    call = _customer_call(turn, request) if request is not None else turn.call()
    score = survey.rating(turn.digits)
    if score is not None and request is not None:
        entry = ContextEntry(Channel.IVR, turn.now, {"survey_rating": score})
        turn.svc.store.add_context(request.id, entry, turn.now)
        return survey.survey_done(call)
    attempt = next_try(turn.step, turn.digits)
    if attempt is None or request is None:
        return survey.survey_done(call)
    return survey.survey(call, request=request.id, attempt=attempt)
