"""Steps a simulated caller takes through the IVR, shared by the end-to-end scenarios."""

from __future__ import annotations

from devtools.carrier import CallHandle, Carrier
from tests.e2e.conftest import CALLER, SERVICE

ENGLISH, BILLING = "1", "1"
CALLBACK = "1"
SCHEDULE = "2"
YES = "1"


async def press_at_gather(call: CallHandle, keys: str) -> str:
    """Run to the next `<Gather>`, press `keys`; what was said before the keys."""
    await call.until_gather()
    heard = call.heard_text()
    await call.press(keys)
    return heard


async def to_the_offer(carrier: Carrier, caller: str = CALLER) -> CallHandle:
    """A call in English about billing, up to the wait and the callback offer."""
    call = await carrier.incoming_call(from_=caller, to=SERVICE)
    await press_at_gather(call, ENGLISH)
    await press_at_gather(call, BILLING)
    await call.until_gather()
    return call


async def book_callback(carrier: Carrier, caller: str = CALLER) -> CallHandle:
    """Issue 3's script: hear the wait, press 1, confirm the caller ID; the call ends."""
    call = await to_the_offer(carrier, caller)
    await call.press(CALLBACK)
    await press_at_gather(call, YES)
    await call.until_end()
    return call
