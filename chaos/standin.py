"""The stand-in for Twilio's REST API on 127.0.0.1: slow, failing, and the ground truth.

Each instance's `HOLDLESS_TWILIO_API_URL` is `<stand-in>/i/<instance>`, so every request
says which instance sent it. Requests that get through the faults are answered by the
simulated carrier's `SimulatedTwilioHttp`, and the calls it creates are played against the
app's webhooks (behind the balancer) with signed requests: answered, "1" pressed, an agent
bridged, status callbacks to the end. Every call created is recorded in `placed`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import random
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chaos.config import Credentials
from chaos.faults import Draw, Faults, Outcome, draw
from chaos.held import AgentLeg, CallerLeg
from devtools.carrier import (
    Account,
    Agent,
    AppUrls,
    Behaviour,
    Carrier,
    Directory,
    Person,
    RealClock,
)
from devtools.carrier.context import AGENT_SCHEMES, Timing
from devtools.carrier.leg import HungUp, Leg
from devtools.carrier.resources import error_json
from telephony.transport import TWILIO_API_URL

log = logging.getLogger("chaos.standin")
_QUERY = re.compile(r"\?\S*")
"""A URL's query (it names the caller's claim): left out so problems count by kind."""

FAST = Timing(
    seconds_per_word=0.01,
    play_seconds=0.2,
    key_seconds=0.1,
    amd_seconds=0.3,
    busy_seconds=0.2,
    hold_music_seconds=1.0,
    callback_delay_s=0.05,
    queue_poll_s=0.2,
)
"""Speech and network delays shrunk so a callback call lasts about two seconds."""
PATIENCE_S = 20.0
"""How long a called-back customer put in a live queue waits before hanging up (a webhook
that fails while the database is down answers with an apology and the live queue); the
callers who choose to hold (`chaos.callers`) have patience of their own."""
CUSTOMER = Person(keys=("1",), ring_seconds=0.3, talk_seconds=1.0, patience_s=PATIENCE_S)
"""Every customer answers and presses 1 to be connected."""
AGENT = Agent(ring_seconds=0.2, talk_seconds=1.0, patience_s=PATIENCE_S)


@dataclass(frozen=True, slots=True)
class PlacedCall:
    """One call the stand-in created: the ground truth of what was dialled."""

    sid: str
    to: str
    at: datetime
    instance: str
    request_id: int | None
    outcome: Outcome


def request_id_of(url: str | None) -> int | None:
    """The callback request id carried in a dial's answer URL (`...?request=42`)."""
    if not url:
        return None
    found = parse_qs(urlsplit(url).query).get("request")
    return int(found[0]) if found and found[0].isdigit() else None


def basic_auth(header: str | None) -> tuple[str, str] | None:
    """The (user, password) of an HTTP Basic `Authorization` header."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except ValueError:
        return None
    return user, password


def _lists(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    """Form or query pairs as a dict; a repeated name (StatusCallbackEvent) gives a list."""
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(str(value))
    return {name: values[0] if len(values) == 1 else values for name, values in found.items()}


@dataclass
class StandIn:
    """The REST stand-in and the carrier behind it."""

    credentials: Credentials
    webhook_base: str
    faults: Faults
    seed: int = 0
    placed: list[PlacedCall] = field(default_factory=list)
    requests: int = 0
    failed: int = 0
    held: int = 0
    _rng: random.Random = field(init=False)
    _carrier: Carrier = field(init=False)
    _http: httpx.AsyncClient = field(init=False)
    _task: asyncio.Task[None] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # noqa: S311  # fault injection, not security
        self._http = httpx.AsyncClient(timeout=15.0)  # Twilio waits 15 s for a webhook
        self._carrier = Carrier(
            client=self._http,
            account=Account(self.credentials.account_sid, self.credentials.auth_token),
            # The number is set up as the README's "Telephony" table says: a webhook that
            # broke mid-request (an instance killed) gets the fallback, as at Twilio.
            urls=AppUrls(
                voice=f"{self.webhook_base}/twilio/voice",
                status=f"{self.webhook_base}/twilio/status",
                fallback=f"{self.webhook_base}/twilio/fallback",
            ),
            clock=RealClock(),
            seed=self.seed,
            timing=FAST,
            directory=Directory(person=CUSTOMER, agent=AGENT),
            strict=False,
        )

    def app(self) -> Starlette:
        """The ASGI app: `/i/{instance}/2010-04-01/...`."""
        route = Route("/i/{instance}/{path:path}", self._handle, methods=["GET", "POST"])
        return Starlette(routes=[route])

    def start(self) -> None:
        """Start the carrier's loop on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._carrier.serve())

    async def stop(self) -> None:
        """Stop the carrier, its calls and its HTTP client."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        await self._carrier.aclose()
        await self._http.aclose()

    @property
    def app_errors(self) -> list[str]:
        """What the carrier saw go wrong in the app's webhook answers."""
        return self._carrier.app_errors

    def dial_in(self, from_: str, to: str, who: Behaviour) -> str:
        """A caller rings the service number now; the CallSid of their call."""
        return self._carrier.dial_in(from_=from_, to=to, who=who).sid

    def callers(self, sids: Iterable[str]) -> list[CallerLeg]:
        """The calls `sids` (dialled in) as the carrier played them so far."""
        return [_caller(self._carrier.sim.legs[sid], self._in_queue(sid)) for sid in sids]

    def story(self, sid: str) -> list[str]:
        """What the party on leg `sid` heard, one line per verb, for reading a finding."""
        leg = self._carrier.sim.legs.get(sid)
        if leg is None:
            return []
        lines = [
            f"  {heard.at:%H:%M:%S.%f} {heard.verb} {heard.text[:60]}" for heard in leg.transcript
        ]
        return [*lines, f"  interrupt: {leg.interrupt!r}; final: {leg.final}"]

    def agent_legs(self) -> list[AgentLeg]:
        """Every answered leg that rang an agent, callbacks' and held callers' alike."""
        return [
            AgentLeg(leg.to, leg.answered_at, leg.ended_at, leg.sid, leg.parent_sid)
            for leg in list(self._carrier.sim.legs.values())
            if leg.to.startswith(AGENT_SCHEMES) and leg.answered_at is not None
        ]

    def _in_queue(self, sid: str) -> bool:
        call = self._carrier.book.call(sid)
        return call is not None and call.queue_sid is not None

    def problems(self, shown: int = 3) -> str:
        """The app misbehaviours the carrier saw, counted by kind (the most frequent first)."""
        kinds = Counter(_QUERY.sub("", problem)[:120] for problem in self._carrier.app_errors)
        return "; ".join(f"{count}x {kind}" for kind, count in kinds.most_common(shown))

    async def _handle(self, request: Request) -> Response:
        method, path = request.method, "/" + request.path_params["path"]
        creates = method == "POST" and path.endswith("/Calls.json")
        fate = draw(self.faults, self._rng, creates_call=creates)
        self.requests += 1
        try:  # the request has arrived once its body has: then it is acted on
            form = _lists((await request.form()).multi_items()) if method == "POST" else {}
        except ClientDisconnect:
            return Response(status_code=499)
        await asyncio.sleep(fate.delay_s)
        if fate.outcome is Outcome.SERVER_ERROR:
            self.failed += 1
            body = error_json(fate.status, 20500, "Simulated failure")
            return JSONResponse(body, status_code=fate.status)
        answer = self._carrier.rest.request(
            method,
            TWILIO_API_URL + path,
            params=_lists(request.query_params.multi_items()),
            data=form,
            auth=basic_auth(request.headers.get("authorization")),
        )
        if creates and answer.status_code == 201:
            self._record(answer.text, request.path_params["instance"], form, fate)
        if fate.outcome is Outcome.HELD:
            self.held += 1
            await asyncio.sleep(self.faults.hold_s)  # the client gave up meanwhile
        return Response(answer.text, answer.status_code, media_type="application/json")

    def _record(self, body: str, instance: str, form: dict[str, object], fate: Draw) -> None:
        call = json.loads(body)
        url = form.get("Url")
        self.placed.append(
            PlacedCall(
                sid=str(call["sid"]),
                to=str(call["to"]),
                at=datetime.now(UTC),
                instance=instance,
                request_id=request_id_of(url if isinstance(url, str) else None),
                outcome=fate.outcome,
            )
        )


def _caller(leg: Leg, in_queue: bool) -> CallerLeg:
    hung_up = leg.interrupt
    return CallerLeg(
        sid=leg.sid,
        connected=sum(1 for heard in leg.transcript if heard.verb == "Connected"),
        ended=leg.final,
        hung_up_themselves=isinstance(hung_up, HungUp) and hung_up.by_party,
        in_queue=in_queue,
    )
