"""`<Record>`: the party speaks their message, then the action, status and transcription
callbacks follow, as Twilio sends them."""

from __future__ import annotations

from devtools.carrier.context import Sim
from devtools.carrier.flow import call_params, notify, pause, post, resolve
from devtools.carrier.leg import Fetch, HungUp, Leg, Next
from devtools.carrier.resources import account_path
from devtools.carrier.twiml import Verb

TWILIO_API = "https://api.twilio.com"
_RECORD_FINISH_KEYS = "1234567890*#"


async def record(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Record the party's message and post RecordingUrl, RecordingDuration and Digits."""
    if verb.attrs.get("playBeep", "true").lower() != "false":
        leg.hear(sim.clock.now(), "Beep")
    who = leg.who
    started = sim.clock.now()
    await pause(sim, leg, min(who.message_seconds, verb.number("maxLength", 3600)))
    seconds = int((sim.clock.now() - started).total_seconds())
    leg.hear(sim.clock.now(), "Record", who.message, duration=str(seconds))
    if who.hangs_up_after_message:
        leg.interrupt_with(HungUp(by_party=True))
    sid = sim.book.new_sid("RE")
    recording_url = f"{TWILIO_API}{account_path(sim.account_sid)}/Recordings/{sid}"
    params = {
        "RecordingSid": sid,
        "RecordingUrl": recording_url,
        "RecordingDuration": str(seconds),
        "Digits": "hangup" if leg.hung_up else _finish_key(verb),
    }
    sim.clock.spawn(_callbacks(sim, leg, verb, url, params), f"recording {sid}")
    action = Fetch(resolve(url, verb.attr("action", url)), verb.attr("method", "POST"), params)
    if leg.hung_up:
        await notify(sim, leg, action)
        return None
    return action


def _finish_key(verb: Verb) -> str:
    keys = verb.attrs.get("finishOnKey", _RECORD_FINISH_KEYS)
    return "#" if "#" in keys or not keys else keys[0]


async def _callbacks(sim: Sim, leg: Leg, verb: Verb, url: str, recording: dict[str, str]) -> None:
    await sim.clock.sleep(sim.timing.callback_delay_s)
    status_url = verb.attrs.get("recordingStatusCallback")
    if status_url:
        params = {
            "AccountSid": sim.account_sid,
            "CallSid": leg.sid,
            "RecordingSid": recording["RecordingSid"],
            "RecordingUrl": recording["RecordingUrl"],
            "RecordingStatus": "completed",
            "RecordingDuration": recording["RecordingDuration"],
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
        }
        method = verb.attr("recordingStatusCallbackMethod", "POST")
        await post(sim, resolve(url, status_url), params, method=method, call_sid=leg.sid)
    transcribe_url = verb.attrs.get("transcribeCallback")
    if transcribe_url and verb.attrs.get("transcribe", "true").lower() != "false":
        await sim.clock.sleep(sim.timing.callback_delay_s)
        params = _transcription(sim, leg, recording)
        await post(sim, resolve(url, transcribe_url), params, method="POST", call_sid=leg.sid)


def _transcription(sim: Sim, leg: Leg, recording: dict[str, str]) -> dict[str, str]:
    sid = sim.book.new_sid("TR")
    return {
        **call_params(sim, leg),
        "TranscriptionSid": sid,
        "TranscriptionText": leg.who.message,
        "TranscriptionStatus": "completed",
        "TranscriptionUrl": f"{TWILIO_API}{account_path(sim.account_sid)}/Transcriptions/{sid}",
        "RecordingSid": recording["RecordingSid"],
        "RecordingUrl": recording["RecordingUrl"],
    }
