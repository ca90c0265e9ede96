"""The Twilio routes: the fixed entry points and one route per IVR step."""

from __future__ import annotations

from dataclasses import replace

from starlette.routing import Route

from ivr.apology import after_failure, puts_on_hold
from ivr.hold import apology_on_hold, hold
from ivr.links import Entry, Link, LinkError, Step, parse_url
from webhooks.twilio import (
    capture,
    holding,
    inbound,
    live,
    outbound,
    recognition,
    scheduling,
    sms,
    status,
    voicemail,
)
from webhooks.twilio.guard import Handler, Reply, callback, voice
from webhooks.twilio.turn import Turn

STEPS: dict[Step, Handler] = {
    Step.LANGUAGE: inbound.language,
    Step.REASON: inbound.reason,
    Step.OFFER: inbound.offer,
    Step.CLOSED: inbound.closed,
    Step.HOLD: lambda turn: hold(turn.call()),
    Step.HOLD_WAIT: holding.waiting,
    Step.HOLD_KEY: holding.key,
    Step.QUEUE_RESULT: holding.result,
    Step.CALLER_ID: capture.caller_id,
    Step.NUMBER: capture.number,
    Step.NUMBER_CONFIRM: capture.number_confirm,
    Step.WAY_OUT: capture.way_out,
    Step.SLOTS: scheduling.slots,
    Step.SLOT: scheduling.slot,
    Step.RECOGNISED: recognition.recognised,
    Step.VOICEMAIL: voicemail.record,
    Step.RECORDED: voicemail.recorded,
    Step.RECORDING: voicemail.recording_status,
    Step.TRANSCRIPTION: voicemail.transcription,
    Step.ANSWER: outbound.answer,
    Step.WHISPER: outbound.agent_whisper,
    Step.CUSTOMER: outbound.customer,
    Step.BRIDGED: outbound.bridged,
    Step.SURVEY: outbound.rate,
    Step.CONNECT: live.connect,
    Step.LIVE_WHISPER: live.whisper,
    Step.CONNECTED: live.connected,
}


def step_handler(link: Link) -> Handler:
    """The handler of an IVR step."""
    return STEPS[link.step]


def fallback(turn: Turn) -> Reply:
    """`POST /twilio/fallback`: Twilio could not reach or use the primary URL: the apology,
    then hold in the one line (the waitUrl joins the caller to it).

    After a held caller's conversation (a failed `Step.CONNECTED`) holding again would keep
    a served caller waiting: that step's own rules settle them instead. A failed connect
    step rang nobody: its claim is released before the caller holds again, or the caller
    would wait behind an offer that never ends. A failed waitUrl or
    whisper gets what its context allows (no `<Enqueue>` there).
    """
    failed = _failed_link(turn.field("ErrorUrl"))
    if failed is not None and failed.step is Step.CONNECTED:
        return live.connected_lost(replace(turn, link=failed))
    if failed is not None and failed.step is Step.CONNECT:
        return live.connect_lost(replace(turn, link=failed))
    if failed is not None and not puts_on_hold(failed.step):
        # A waitUrl or a whisper failed: `<Enqueue>` is not allowed there; the same answer
        # as a failure inside that step (music on hold, or an empty document that bridges).
        return after_failure(failed.step, failed.queue)
    return apology_on_hold(turn.call())


def _failed_link(url: str) -> Link | None:
    try:
        return parse_url(url) if url else None
    except LinkError:
        return None


def twilio_routes() -> list[Route]:
    """Every Twilio webhook route."""
    return [
        Route(Entry.VOICE.value, voice(inbound.incoming, before=inbound.arrive), methods=["POST"]),
        Route(Entry.STATUS.value, callback(status.status), methods=["POST"]),
        Route(Entry.SMS.value, callback(sms.incoming_sms), methods=["POST"]),
        Route(Entry.SMS_STATUS.value, callback(sms.sms_status), methods=["POST"]),
        Route(Entry.FALLBACK.value, voice(fallback), methods=["POST"]),
        Route("/twilio/ivr/{step}", voice(dispatch=step_handler), methods=["POST"]),
    ]
