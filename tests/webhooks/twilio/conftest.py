"""Signed Twilio requests against a fresh app, a movable clock, and TwiML parsing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store.records import Claim
from callback.types import E164, AgentId, Channel, QueueName
from settings import Settings
from tests.callback.store.support import claim_next
from tests.webhooks.conftest import MONDAY_10
from webhooks.app import create_app
from webhooks.services import Services
from webhooks.twilio.notify import MemoryNotifier
from webhooks.twilio.signature import SIGNATURE_HEADER, SIMULATED_AUTH_TOKEN

Response = Any
"""What TestClient returns (httpx or httpx2, whichever Starlette found)."""

PUBLIC = "http://127.0.0.1:8000"
CALLER = "+442079460456"
"""Ofcom's drama range for London (020 7946 0xxx): never a real subscriber."""
SERVICE = "+442079460000"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = MONDAY_10

    def __call__(self) -> datetime:
        return self.now

    def advance(self, span: timedelta) -> None:
        self.now += span


def sign(url: str, params: Mapping[str, str], token: str = SIMULATED_AUTH_TOKEN) -> str:
    """The signature Twilio would send for `url` and `params`."""
    signature: str = RequestValidator(token).compute_signature(url, dict(params))
    return signature


@dataclass
class Twilio:
    """Plays Twilio: signed webhooks to the app, as the public URL would be requested."""

    client: TestClient
    clock: Clock
    notifier: MemoryNotifier
    sid: str = "CA" + "0" * 31 + "1"
    seen: list[str] = field(default_factory=list)

    @property
    def svc(self) -> Services:
        found: Services = self.client.app_state["services"]
        return found

    def post(self, url: str, **params: str) -> Response:
        """POST `params` (CallSid and From added unless given) to a path or TwiML URL."""
        form = {"CallSid": self.sid, "From": CALLER, "To": SERVICE} | params
        return self.raw(url, {k: v for k, v in form.items() if v is not None})

    def raw(self, url: str, form: Mapping[str, str], token: str = SIMULATED_AUTH_TOKEN) -> Response:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {SIGNATURE_HEADER: sign(PUBLIC + target, form, token)}
        response = self.client.post(target, data=dict(form), headers=headers)
        self.seen.append(parts.path)
        return response

    def twiml(self, url: str, **params: str) -> ElementTree.Element:
        """POST and parse the TwiML answer (asserting it is a 200 TwiML document)."""
        response = self.post(url, **params)
        assert response.status_code == 200, response.text
        return ElementTree.fromstring(response.text)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def twilio(settings: Settings, clock: Clock) -> Iterator[Twilio]:
    notifier = MemoryNotifier()
    with TestClient(create_app(settings, clock=clock, ticker=False, notifier=notifier)) as client:
        yield Twilio(client, clock, notifier)


def verbs(doc: ElementTree.Element) -> list[str]:
    """The verbs of a document, top level, in order."""
    return [child.tag for child in doc]


def find(doc: ElementTree.Element, path: str) -> ElementTree.Element:
    """The first element at `path` (it must exist)."""
    found = doc.find(path)
    assert found is not None, f"no {path} in {ElementTree.tostring(doc, encoding='unicode')}"
    return found


def action(doc: ElementTree.Element, path: str = "Gather") -> str:
    """The action URL of the element at `path`."""
    return find(doc, path).attrib["action"]


def says(doc: ElementTree.Element) -> str:
    """Everything the document says, joined."""
    return " ".join(node.text or "" for node in doc.iter("Say"))


def waiting_request(twilio: Twilio, number: str = CALLER, queue: str = "support") -> int:
    """Store a waiting callback request for `number` directly."""
    now = twilio.clock()
    incoming = Incoming(ContextEntry(Channel.WEB, now, {}), virtual_start=now)
    stored = twilio.svc.store.enqueue(QueueName(queue), E164(number), incoming, now)
    return int(stored.request.id)


def dialling(twilio: Twilio, sid: str, queue: str = "support", agent: str = "alice") -> Claim:
    """A request claimed for dialling, its attempt carrying `sid`."""
    waiting_request(twilio, queue=queue)
    claim = claim_next(
        twilio.svc.store, QueueName(queue), twilio.clock(), timedelta(minutes=2), AgentId(agent)
    )
    assert claim is not None
    assert twilio.svc.calls.attach(claim.attempt_id, claim.fence, sid)
    return claim
