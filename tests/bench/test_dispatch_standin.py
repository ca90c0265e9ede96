"""The Twilio stand-in of the dispatch benchmark, driven through the app's real REST adapter."""

from __future__ import annotations

import asyncio
import time

from bench.dispatch_standin import Arrival, StandIn
from callback.types import E164
from telephony import TwilioTelephony, build_client

ACCOUNT = "AC" + "5a" * 16
TOKEN = "c3" * 16


async def _place_one() -> tuple[str, Arrival, float, float]:
    standin = StandIn(ACCOUNT)
    port = await standin.start("127.0.0.1")
    client = build_client(
        account_sid=ACCOUNT, auth_token=TOKEN, api_url=f"http://127.0.0.1:{port}", timeout_s=5
    )
    before = time.perf_counter()
    sid = await asyncio.to_thread(
        TwilioTelephony(client).place_call,
        to=E164("+442071234567"),
        from_="+442079460000",
        url="http://127.0.0.1:1/answer",
        status_callback="http://127.0.0.1:1/status",
        amd_callback="http://127.0.0.1:1/status",
        timeout_s=30,
    )
    after = time.perf_counter()
    arrival = standin.arrivals.get_nowait()
    await standin.stop()
    return sid, arrival, before, after


def test_a_placed_call_is_recorded_with_its_arrival_time_and_answered_with_its_sid() -> None:
    sid, arrival, before, after = asyncio.run(_place_one())
    assert sid == arrival.sid
    assert sid.startswith("CA") and len(sid) == 34
    assert arrival.form["To"] == "+442071234567"
    assert arrival.form["MachineDetection"] == "Enable"
    assert before <= arrival.at <= after
