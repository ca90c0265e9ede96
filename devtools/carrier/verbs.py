"""The simple verbs: Say, Play, Pause, Gather, Redirect, Hangup, Reject and Leave.

Speech takes simulated time by its word count, audio a fixed length per loop; a
`loop="0"` (forever) is capped so that a call without a listener still ends. `<Gather>`
collects keys only: speech input is not simulated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

from callback.carrier import CallStatus
from devtools.carrier.context import Executor, Sim
from devtools.carrier.flow import pause, resolve
from devtools.carrier.leg import Awaiting, Ended, EndReason, Fetch, Leg, Next
from devtools.carrier.profiles import scripted_keys
from devtools.carrier.twiml import Verb

DEFAULT_GATHER_TIMEOUT = 5.0


def _loops(sim: Sim, verb: Verb) -> int:
    loops = int(verb.number("loop", 1))
    return sim.timing.max_loops if loops <= 0 else min(loops, sim.timing.max_loops)


async def say(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Speak the text: it enters the transcript and takes time by its length."""
    leg.hear(sim.clock.now(), "Say", verb.text, **verb.attrs)
    words = max(1, len(verb.text.split()))
    await pause(sim, leg, words * sim.timing.seconds_per_word * _loops(sim, verb))
    return None


async def play(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Play audio (or send DTMF `digits`)."""
    digits = verb.attrs.get("digits")
    if digits:
        leg.hear(sim.clock.now(), "Play", "", digits=digits)
        await pause(sim, leg, len(digits) * sim.timing.key_seconds)
        return None
    leg.hear(sim.clock.now(), "Play", verb.text, **verb.attrs)
    await pause(sim, leg, sim.timing.play_seconds * _loops(sim, verb))
    return None


async def pause_verb(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Silence for `length` seconds (default 1)."""
    length = verb.number("length", 1)
    leg.hear(sim.clock.now(), "Pause", "", length=f"{length:g}")
    await pause(sim, leg, length)
    return None


async def redirect(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Continue with the document at the verb's URL."""
    target = resolve(url, verb.text)
    leg.hear(sim.clock.now(), "Redirect", target)
    return Fetch(target, verb.attr("method", "POST"))


async def hangup(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """End the call."""
    leg.hear(sim.clock.now(), "Hangup")
    return Ended(EndReason.HANGUP)


async def reject(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Refuse an unanswered call: busy for reason="busy", else no-answer."""
    reason = verb.attr("reason", "rejected")
    leg.hear(sim.clock.now(), "Reject", reason)
    if leg.answered_at is not None:
        return Ended(EndReason.HANGUP)
    status = CallStatus.BUSY if reason == "busy" else CallStatus.NO_ANSWER
    return Ended(EndReason.REJECTED, status)


async def leave(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Outside a queue's wait document, `<Leave>` has nothing to leave."""
    return None


PROMPTS: Mapping[str, Executor] = MappingProxyType({"Say": say, "Play": play, "Pause": pause_verb})
"""The verbs a `<Gather>` may nest."""


def entered_digits(keys: str | None, verb: Verb) -> str:
    """The digits a `<Gather>` submits for `keys`: up to finishOnKey or numDigits."""
    finish = verb.attrs.get("finishOnKey", "#")
    limit = int(verb.number("numDigits", 0))
    digits = ""
    for key in keys or "":
        if finish and key == finish[0]:
            break
        digits += key
        if limit and len(digits) >= limit:
            break
    return digits


async def gather(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Play the nested prompts, collect keys, post Digits to the action (or fall through)."""
    for child in verb.children:
        executor = PROMPTS.get(child.name)
        if executor is not None:
            await executor(sim, leg, child, url)
        if leg.interrupt is not None:
            return None
    keys = await collect_keys(sim, leg, verb)
    if leg.interrupt is not None:
        return None
    digits = entered_digits(keys, verb)
    action = Fetch(resolve(url, verb.attr("action", url)), verb.attr("method", "POST"))
    if digits:
        leg.hear(sim.clock.now(), "Keys", digits)
        return Fetch(action.url, action.method, {"Digits": digits})
    leg.hear(sim.clock.now(), "Timeout")
    return action if verb.flag("actionOnEmptyResult") else None


async def collect_keys(sim: Sim, leg: Leg, verb: Verb) -> str | None:
    """The keys the party presses at this `<Gather>`, None for silence until the timeout."""
    timeout = verb.number("timeout", DEFAULT_GATHER_TIMEOUT)
    heard = leg.heard_text()
    leg.gatherings += 1
    who = leg.who
    if not who.presses_keys:
        await pause(sim, leg, timeout)
        return None
    if who.keys is None:
        return await _keys_from_test(sim, leg, Awaiting(verb, heard), timeout)
    keys = scripted_keys(who, leg.gatherings - 1, heard)
    leg.mark_input()
    await pause(sim, leg, sim.timing.key_seconds * len(keys) if keys else timeout)
    return keys


async def _keys_from_test(sim: Sim, leg: Leg, awaiting: Awaiting, timeout: float) -> str | None:
    leg.awaiting, leg.pressed = awaiting, None
    deadline = sim.clock.now() + timedelta(seconds=timeout)
    try:
        while leg.pressed is None and sim.clock.now() < deadline:
            if await pause(sim, leg, (deadline - sim.clock.now()).total_seconds()):
                break
    finally:
        leg.awaiting = None
    keys = leg.take_keys()
    leg.mark_input()
    if keys:
        await pause(sim, leg, sim.timing.key_seconds * len(keys))
    return keys
