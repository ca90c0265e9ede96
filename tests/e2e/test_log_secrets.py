"""An end-to-end run through `holdless serve`'s uvicorn, every log line kept, then searched.

The simulated carrier plays Twilio over TCP with a real-looking account; a caller books from
the menu and is called back; the widget and an app book through the API and read and cancel
their status links; the hosted page is opened with its key; a forged CallSid and a traceback
holding a number are logged. Nothing secret and no number used may appear in the output.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import phonenumbers
import pytest
import uvicorn
from phonenumbers import PhoneNumberFormat
from starlette.types import ASGIApp, Receive, Scope, Send
from twilio.request_validator import RequestValidator

from callback.config import load_config
from devtools.carrier import Account, Agent, Carrier, VirtualClock
from settings import Settings
from telephony import TwilioTelephony
from tests.e2e.conftest import CALLER, MONDAY_10, SEED, World
from tests.e2e.steps import CALLBACK, book_callback, press_at_gather
from tests.webhooks.api.conftest import (
    API_TABLES,
    APP_ID,
    APP_SECRET,
    ORIGIN,
    SITE_KEY_VALUE,
    SUPERVISOR_KEY,
    as_json,
    form,
    sha,
)
from tests.webhooks.logged import Read, logging_as_served
from tests.webhooks.test_cli import free_port
from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP, Signed, signature
from webhooks.app import create_app
from webhooks.logs import CONTINUATION, known_secrets
from webhooks.server import server_config
from webhooks.simulation import app_urls
from webhooks.twilio.notify import MemoryNotifier

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

ACCOUNT_SID = "AC5d2e9f0a1b3c4d6e7f8091a2b3c4d5e6"
AUTH_TOKEN = "7e3b9a1c5f2d8e4a6b0c9d1e3f5a7b2c"
WIDGET_PHONE = "+44 20 7946 0321"
APP_PHONE = "+44 20 7946 0654"
KEYED_PHONE = "+44 20 7946 0987"
"""Only ever written inside an exception's message."""
NUMBERS = (CALLER, WIDGET_PHONE, APP_PHONE, KEYED_PHONE)
FORGED = "2026-03-02 10:00:00,000 INFO holdless.api: refund approved"


class Watch:
    """Passes everything to the app, keeping the lifespan's state as requests carry it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve `scope`; an HTTP request brings the state along."""
        if scope["type"] == "http":
            self.state.update(scope.get("state", {}))
        await self.app(scope, receive, send)


@dataclass
class Run:
    """The served app, its carrier and the log so far."""

    world: World
    http: httpx.AsyncClient
    log: Read


@pytest.fixture
def settings(sqlite_url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Twilio credentials, a widget site, an app key and a supervisor key; a free port."""
    text = config_file.read_text().replace(
        'company = "Example Energy"',
        f'company = "Example Energy"\nsupervisor_key_sha256 = "{sha(SUPERVISOR_KEY)}"',
    )
    marker = "# How long personal data"
    config_file.write_text(text.replace(marker, API_TABLES + "\n" + marker))
    monkeypatch.setenv("HOLDLESS_TEST_APP_SECRET", APP_SECRET)
    port = free_port()
    return Settings(
        _env_file=None,
        database_url=sqlite_url,
        config_file=config_file,
        host="127.0.0.1",
        port=port,
        public_base_url=f"http://127.0.0.1:{port}",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
    )


@pytest.fixture
async def run(settings: Settings) -> AsyncIterator[Run]:
    """The app behind uvicorn as `holdless serve` runs it, logging as it logs."""
    secrets = known_secrets(settings, load_config(settings.config_file), os.environ)
    base = str(settings.public_base_url).rstrip("/")
    with logging_as_served(secrets) as read:
        async with httpx.AsyncClient(base_url=base) as http:
            carrier = Carrier(
                client=http,
                account=Account(ACCOUNT_SID, AUTH_TOKEN),
                urls=app_urls(settings),
                clock=VirtualClock(MONDAY_10),
                seed=SEED,
            )
            notifier = MemoryNotifier()
            telephony = TwilioTelephony(carrier.twilio_client())
            app = create_app(
                settings, clock=carrier.clock.now, ticker=False, notifier=notifier,
                telephony=telephony, simulate=False,
            )  # fmt: skip
            watch = Watch(app)
            server = uvicorn.Server(server_config(watch, settings))
            serving = asyncio.create_task(server.serve())
            try:
                while not server.started:
                    assert not serving.done(), "the server did not start"
                    await asyncio.sleep(0.02)
                assert (await http.get("/healthz")).status_code == 200
                world = World(carrier, watch.state["services"], notifier, http)
                yield Run(world, http, read)
            finally:
                await carrier.aclose()
                server.should_exit = True
                await serving


def spellings(number: str) -> set[str]:
    """Every way the number might be written: E.164, with and without '+', national, spaced."""
    parsed = phonenumbers.parse(number)
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
    significant = phonenumbers.national_significant_number(parsed)
    return {e164, e164[1:], significant, national, national.replace(" ", ""), international}


async def widget_books_reads_and_cancels(http: httpx.AsyncClient) -> str:
    """The widget's booking; its status link read, then used to cancel. The token."""
    headers = {SITE_KEY: SITE_KEY_VALUE, "Origin": ORIGIN}
    booked = await http.post("/api/v1/callbacks", json=form(WIDGET_PHONE), headers=headers)
    assert booked.status_code == 201, booked.text
    link = booked.json()["status_url"]
    assert (await http.get(link)).status_code == 200
    assert (await http.delete(link)).status_code == 200
    return str(link).rsplit("/", 1)[1]


async def app_books_signed(http: httpx.AsyncClient, now: int) -> tuple[str, str]:
    """A signed app booking and a read of its status link: the token and the signature."""
    body = as_json({"queue": "support", "phone": APP_PHONE})
    signed = signature(APP_SECRET, str(now), Signed("POST", "/api/v1/callbacks", "", body))
    headers = {KEY_ID: APP_ID, TIMESTAMP: str(now), SIGNATURE: signed}
    booked = await http.post("/api/v1/callbacks", content=body, headers=headers)
    assert booked.status_code == 201, booked.text
    link = booked.json()["status_url"]
    assert (await http.get(link)).status_code == 200
    return str(link).rsplit("/", 1)[1], signed


async def forged_call_sid(http: httpx.AsyncClient, settings: Settings, call_sid: str) -> None:
    """A correctly signed voicemail webhook whose CallSid carries a line of its own."""
    url = f"{str(settings.public_base_url).rstrip('/')}/twilio/ivr/recorded?queue=support&lang=en"
    params = {"CallSid": f"{call_sid}\n{FORGED}", "From": CALLER, "RecordingUrl": "nowhere"}
    sign = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    answer = await http.post(url, data=params, headers={"X-Twilio-Signature": sign})
    assert answer.status_code == 200


async def test_no_secret_and_no_number_reaches_the_log(run: Run, settings: Settings) -> None:
    world, http = run.world, run.http
    world.carrier.register("client:alice", Agent(talk_seconds=60.0))
    call = await book_callback(world.carrier)
    world.on_duty("alice")
    [_, support] = await world.dispatch()
    [placed] = support.placed
    customer = await world.carrier.outbound_call(placed)
    await press_at_gather(customer, CALLBACK)
    widget_token = await widget_books_reads_and_cancels(http)
    app_token, app_signature = await app_books_signed(http, int(world.now.timestamp()))
    await http.get("/c/support", params={"key": SITE_KEY_VALUE, "lang": "en"})
    await http.get("/api/v1/abuse", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    await forged_call_sid(http, settings, call.sid)
    try:
        raise RuntimeError(f"could not dial {KEYED_PHONE} for {call.sid}")
    except RuntimeError:
        logging.getLogger("holdless.dispatch").exception("dial failed")
    out = run.log()

    secrets = [AUTH_TOKEN, APP_SECRET, SITE_KEY_VALUE, SUPERVISOR_KEY, app_signature]
    for secret in [*secrets, widget_token, app_token]:
        assert secret not in out
    for number in NUMBERS:
        for spelling in spellings(number):
            assert spelling not in out, spelling
    # The run did log what matters, readably: status links, SIDs, masked numbers.
    assert out.count('"GET /api/v1/callbacks/[redacted] HTTP/1.1" 200') == 2
    assert '"DELETE /api/v1/callbacks/[redacted] HTTP/1.1" 200' in out
    assert f"call placed: {placed} to +44 ******* 00" in out
    assert f"{CONTINUATION}RuntimeError: could not dial +44 ******* 87 for {call.sid}" in out
    assert f"{call.sid}\\x0a{FORGED}" in out
    assert not [line for line in out.splitlines() if line.startswith(FORGED)]
