"""A voicemail from a hidden or invalid caller ID: a number by keypad first, or none at all."""

from __future__ import annotations

from datetime import datetime

import pytest

from callback.types import E164, State
from devtools.carrier import CallHandle
from tests.e2e.conftest import SERVICE, SUNDAY_10, World
from tests.e2e.steps import YES, press_at_gather

pytestmark = pytest.mark.anyio

MESSAGE = "2"
ANONYMOUS = "+266696687"
"""What Twilio sends as From for a withheld caller ID (it spells ANONYMOUS on a keypad)."""
KEYED = "02079460456"
KEYED_E164 = E164("+442079460456")
"""Ofcom's drama range for London: never a real subscriber."""
ENTER = (
    "Please enter the phone number we should call, including the area code, "
    "then press the hash key."
)
PROMPT = "Please leave your name and a short message after the tone, then press the hash key."
THANKS = "Thank you. We have your message and will call you back."
GOODBYE = "Thank you for calling Example Energy. Goodbye."


@pytest.fixture
def start() -> datetime:
    """Sunday 10:00 in London: the support queue is closed, so the menu offers a message."""
    return SUNDAY_10


async def _to_the_number(world: World, caller: str) -> CallHandle:
    call = await world.carrier.incoming_call(from_=caller, to=SERVICE)
    await press_at_gather(call, MESSAGE)
    await call.until_gather()
    assert call.heard_text() == f"We cannot see the number you are calling from. {ENTER}"
    return call


@pytest.mark.parametrize("caller", [ANONYMOUS, "anonymous", "+44909879000"])
async def test_a_keyed_number_turns_the_message_into_a_request(world: World, caller: str) -> None:
    call = await _to_the_number(world, caller)
    await call.press(f"{KEYED}#")
    readback = await press_at_gather(call, YES)
    assert readback == (
        "You entered 0 2 0, 7 9 4 6, 0 4 5 6. "
        "To use this number, press 1. To enter it again, press 2."
    )
    await call.until_end()
    assert call.heard_text() == f"{PROMPT} {THANKS} {GOODBYE}"
    request = world.request(KEYED_E164)
    assert request.state is State.WAITING
    [recorded, transcribed] = [entry.data for entry in request.contexts]
    assert recorded["source"] == "voicemail"
    assert str(recorded["recording_url"]).startswith("https://api.twilio.com/")
    assert transcribed == {"transcription": "Please call me back."}
    assert world.notifier.sent == [
        (
            KEYED_E164,
            "Example Energy: we have your message and will call you back. Reply CANCEL to cancel.",
        )
    ]


async def test_without_a_number_the_message_is_kept_for_supervisors(world: World) -> None:
    call = await _to_the_number(world, ANONYMOUS)
    await call.stay_silent()
    await call.until_gather()
    assert call.heard_text() == f"Sorry, we did not receive a number. {ENTER}"
    await call.press("0909#")
    await call.until_end()
    assert call.heard_text() == (
        "Sorry, that number seems to be incomplete or not valid. "
        "We are sorry, we could not take a number we can call. "
        "You can still leave us a message, but we can only call you back if you say your "
        f"number in it. {PROMPT} {THANKS} {GOODBYE}"
    )
    [recording] = call.heard("Record")
    assert recording.text == "Please call me back."
    assert world.svc.store.counts(world.now) == {}  # no request: nobody to call back
    [kept] = world.svc.voicemails.unhandled(None, 10)
    assert (kept.call_sid, kept.queue, kept.language) == (call.sid, "support", "en")
    assert kept.recording_url.startswith("https://api.twilio.com/2010-04-01/Accounts/")
    assert kept.recording_seconds > 0
    assert kept.transcription == "Please call me back."
    assert world.svc.voicemails.unhandled_counts() == {"support": 1}
    assert world.notifier.sent == []
