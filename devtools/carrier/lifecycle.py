"""Whole calls and messages: ringing, answering, detection, TwiML, and the callbacks
Twilio sends about them (status events, AMD results, SMS delivery)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType

from callback.carrier import API_VERSION, CallStatus, MessageStatus, StatusEvent
from devtools.carrier.context import Sim, duration
from devtools.carrier.flow import Document, call_params, inline, pause, post, ring, run_call
from devtools.carrier.leg import Ended, Fetch, Leg
from devtools.carrier.resources import CallOrder, MessageResource, rfc2822

_SMS_ERRORS: Mapping[MessageStatus, str] = MappingProxyType(
    {MessageStatus.UNDELIVERED: "30003", MessageStatus.FAILED: "30008"}
)


async def _report(
    sim: Sim, leg: Leg, order: CallOrder, event: StatusEvent, status: CallStatus
) -> None:
    if not order.reports(event) or order.status_callback is None:
        return
    leg.callbacks_sent += 1
    params = {
        **call_params(sim, leg),
        "CallStatus": str(status),
        "Timestamp": str(rfc2822(sim.clock.now())),
        "CallbackSource": "call-progress-events",
        "SequenceNumber": str(leg.callbacks_sent - 1),
    }
    if event is StatusEvent.COMPLETED:
        params["CallDuration"] = str(duration(leg))
    await post(sim, order.status_callback, params, method=order.status_method, call_sid=leg.sid)


async def _amd(sim: Sim, leg: Leg, order: CallOrder) -> None:
    await sim.clock.sleep(sim.timing.amd_seconds)
    if order.amd_callback is None or leg.answered_by is None:
        return
    params = {
        **call_params(sim, leg),
        "AnsweredBy": str(leg.answered_by),
        "MachineDetectionDuration": str(int(sim.timing.amd_seconds * 1000)),
    }
    await post(sim, order.amd_callback, params, method=order.amd_method, call_sid=leg.sid)


async def _answered(sim: Sim, leg: Leg, order: CallOrder) -> CallStatus:
    if order.machine_detection:
        leg.answered_by = leg.who.answered_by
    sim.set_status(leg, CallStatus.IN_PROGRESS)
    await _report(sim, leg, order, StatusEvent.ANSWERED, CallStatus.IN_PROGRESS)
    if order.machine_detection and order.async_amd:
        sim.clock.spawn(_amd(sim, leg, order), f"amd {leg.sid}")
    elif order.machine_detection:
        # Synchronous detection: the TwiML request waits for the result and carries it.
        await pause(sim, leg, sim.timing.amd_seconds)
        leg.amd_in_params = True
    start: Fetch | Document | Ended
    if order.url:
        start = Fetch(order.url, order.method)
    else:
        start = await inline(sim, leg, order.twiml or "")
    ended = start if isinstance(start, Ended) else await run_call(sim, leg, start)
    return ended.status


async def run_outbound(sim: Sim, leg: Leg, order: CallOrder) -> None:
    """An API-created call: initiated, ringing, answered or not, TwiML, completed."""
    await _report(sim, leg, order, StatusEvent.INITIATED, CallStatus.INITIATED)
    sim.set_status(leg, CallStatus.RINGING)
    await _report(sim, leg, order, StatusEvent.RINGING, CallStatus.RINGING)
    status = await ring(sim, leg, leg.who, float(order.timeout_s))
    if status is None:
        status = await _answered(sim, leg, order)
    sim.set_status(leg, status)
    await _report(sim, leg, order, StatusEvent.COMPLETED, status)


async def run_inbound(sim: Sim, leg: Leg) -> None:
    """A call to a service number: the voice URL, then a completed callback if configured."""
    sim.set_status(leg, CallStatus.RINGING)
    ended = await run_call(sim, leg, Fetch(sim.urls.voice))
    sim.set_status(leg, ended.status)
    if sim.urls.status is None:
        return
    params = {
        **call_params(sim, leg),
        "CallDuration": str(duration(leg)),
        "Timestamp": str(rfc2822(sim.clock.now())),
        "CallbackSource": "call-progress-events",
        "SequenceNumber": "0",
    }
    await post(sim, sim.urls.status, params, method="POST", call_sid=leg.sid)


def _message_params(sim: Sim, message: MessageResource, status: MessageStatus) -> dict[str, str]:
    params = {
        "MessageSid": message.sid,
        "SmsSid": message.sid,
        "AccountSid": sim.account_sid,
        "From": message.from_,
        "To": message.to,
        "MessageStatus": str(status),
        "SmsStatus": str(status),
        "ApiVersion": API_VERSION,
    }
    if status in _SMS_ERRORS:
        params["ErrorCode"] = _SMS_ERRORS[status]
    return params


def _moved_to(status: MessageStatus, at: datetime) -> Callable[[MessageResource], None]:
    def change(resource: MessageResource) -> None:
        resource.status = status
        resource.updated = at

    return change


async def run_message(sim: Sim, sid: str) -> None:
    """Deliver an SMS: sent, then the recipient's outcome, each reported if asked for."""
    message = sim.book.message(sid)
    if message is None:
        return
    final = sim.directory.lookup(message.to).sms_result
    for status in (MessageStatus.SENT, final):
        await sim.clock.sleep(sim.timing.callback_delay_s)
        sim.book.update_message(sid, _moved_to(status, sim.clock.now()))
        if message.status_callback:
            params = _message_params(sim, message, status)
            await post(sim, message.status_callback, params, method="POST", call_sid=None)
