"""The simulated carrier: Twilio's side of the HTTP contract, both ways, offline.

REST requests from the app's real twilio client arrive through `carrier.rest` (an
`HttpClient`); calls and messages they create are played against the app's webhooks
through an injected `httpx.AsyncClient`, with correctly signed requests. Tests drive it
with a `VirtualClock` (no real waiting) and `CallHandle`s; `make run` with a
`RealClock` and `serve()`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType

import httpx
from twilio.rest import Client

from callback.carrier import API_VERSION, CallStatus, Direction
from devtools.carrier.book import CallBook, CallControl, NewCall, NewMessage, Notice
from devtools.carrier.clock import SimClock
from devtools.carrier.context import AppUrls, Directory, Executor, Sim, Timing
from devtools.carrier.dial import dial
from devtools.carrier.leg import Fetch, HungUp, Leg, Redirected
from devtools.carrier.lifecycle import run_inbound, run_message, run_outbound
from devtools.carrier.profiles import Behaviour
from devtools.carrier.queueing import enqueue
from devtools.carrier.record import record
from devtools.carrier.records import Records, RestExchange, WebhookExchange
from devtools.carrier.rest import SimulatedTwilioHttp
from devtools.carrier.script import CallHandle, ScenarioError
from devtools.carrier.twiml import TwimlError, parse_twiml
from devtools.carrier.verbs import gather, hangup, leave, pause_verb, play, redirect, reject, say
from devtools.carrier.webhook import Reply, Webhooks
from telephony.client import build_client

_REST_POLL_S = 0.005


def verb_table() -> Mapping[str, Executor]:
    """Every verb the simulated carrier plays."""
    return MappingProxyType(
        {
            "Say": say,
            "Play": play,
            "Pause": pause_verb,
            "Gather": gather,
            "Redirect": redirect,
            "Hangup": hangup,
            "Reject": reject,
            "Leave": leave,
            "Record": record,
            "Enqueue": enqueue,
            "Dial": dial,
        }
    )


@dataclass(frozen=True, slots=True)
class SmsReply:
    """The app's answer to an incoming SMS: its status and the `<Message>` texts."""

    status: int
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Account:
    """The simulated Twilio account the app holds credentials for."""

    sid: str
    auth_token: str


class Carrier:
    """One simulated network with one account, talking to one app."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        account: Account,
        urls: AppUrls,
        clock: SimClock,
        seed: int = 0,
        timing: Timing | None = None,
        directory: Directory | None = None,
        strict: bool = True,
    ) -> None:
        self.account = account
        self.clock = clock
        self.records = Records()
        self.book = CallBook(account.sid, seed=seed)
        self.rest = SimulatedTwilioHttp(
            self.book, self.records, auth_token=account.auth_token, now=clock.now
        )
        hooks = Webhooks(client, auth_token=account.auth_token, records=self.records, now=clock.now)
        self.sim = Sim(
            clock=clock,
            rng=random.Random(seed),  # noqa: S311  # a seeded simulation, not security
            hooks=hooks,
            book=self.book,
            urls=urls,
            timing=timing or Timing(),
            directory=directory or Directory(),
            strict=strict,
        )
        self.sim.verbs = verb_table()
        self._handed_out: set[str] = set()

    def twilio_client(self) -> Client:
        """A real twilio REST client whose requests this carrier answers."""
        return build_client(
            account_sid=self.account.sid, auth_token=self.account.auth_token, http_client=self.rest
        )

    def register(self, address: str, who: Behaviour) -> None:
        """Who answers at `address` (a number, `sip:` URI or `client:` identity)."""
        self.sim.directory.parties[address] = who

    def dial_in(self, *, from_: str, to: str, who: Behaviour | None = None) -> Leg:
        """Start an inbound call now (it runs as a carrier task); see `incoming_call`."""
        party = who or self.sim.directory.lookup(from_)
        self.register(from_, party)
        leg = self.sim.new_leg(to=to, from_=from_, direction=Direction.INBOUND, who=party)
        self.clock.spawn(run_inbound(self.sim, leg), f"inbound {leg.sid}")
        return leg

    async def incoming_call(
        self, *, from_: str, to: str, who: Behaviour | None = None
    ) -> CallHandle:
        """A call from `from_` to the service number `to`; the party is remembered for
        callbacks to `from_`."""
        leg = self.dial_in(from_=from_, to=to, who=who)
        await self.settle()
        return CallHandle(leg, self)

    async def outbound_call(self, sid: str | None = None, *, limit_s: float = 60.0) -> CallHandle:
        """The call the app created through REST (`sid`, or the next one not handed out)."""

        def found() -> Leg | None:
            if sid is not None:
                return self.sim.legs.get(sid)
            return next(
                (
                    leg
                    for leg in self.sim.legs.values()
                    if leg.direction is Direction.OUTBOUND_API and leg.sid not in self._handed_out
                ),
                None,
            )

        await self.run_until(lambda: found() is not None, limit_s)
        leg = found()
        if leg is None:
            raise ScenarioError("the app placed no outbound call")
        self._handed_out.add(leg.sid)
        return CallHandle(leg, self)

    def call(self, sid: str) -> CallHandle:
        """A handle on a known leg."""
        return CallHandle(self.sim.legs[sid], self)

    def children(self, sid: str) -> list[Leg]:
        """The legs `<Dial>` made from call `sid`."""
        return [leg for leg in self.sim.legs.values() if leg.parent_sid == sid]

    def queue_sizes(self) -> dict[str, int]:
        """How many callers wait in each simulated queue."""
        return self.sim.queues.sizes()

    @property
    def app_errors(self) -> list[str]:
        """App misbehaviour seen so far (in non-strict mode the calls carried on)."""
        return list(self.sim.app_errors)

    async def incoming_sms(self, *, from_: str, to: str, body: str) -> SmsReply:
        """An SMS to the service number; the app's reply messages."""
        url = self.sim.urls.sms
        if url is None:
            raise ScenarioError("no SMS URL is configured")
        sid = self.book.new_sid("SM")
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "SmsMessageSid": sid,
            "AccountSid": self.account.sid,
            "From": from_,
            "To": to,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": API_VERSION,
        }
        reply = await self.sim.hooks.send(url, params, call_sid=None)
        return SmsReply(reply.status, _messages(reply.body) if reply.ok else ())

    async def replay(self, exchange: WebhookExchange) -> Reply:
        """Send a recorded webhook again, freshly signed (duplicate and out-of-order tests)."""
        return await self.sim.hooks.send(
            exchange.url, exchange.params, method=exchange.method, call_sid=exchange.call_sid
        )

    async def settle(self) -> None:
        """Start what the REST side asked for and let every task run, without moving time."""
        self._drain()
        await self.clock.settle()
        while self._drain():
            await self.clock.settle()

    async def run_until(self, done: Callable[[], bool], limit_s: float = 600.0) -> bool:
        """Run the simulation until `done()` or `limit_s` simulated seconds pass."""
        deadline = self.clock.now() + timedelta(seconds=limit_s)
        while True:
            await self.settle()
            if done():
                return True
            if not await self.clock.step(deadline):
                await self.settle()
                return done()

    async def run_for(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass."""
        await self.run_until(lambda: False, seconds)

    async def until_rest(
        self, match: Callable[[RestExchange], bool], *, real_s: float = 5.0
    ) -> RestExchange:
        """The first REST exchange `match` accepts, waiting for it in real time: the app may
        send it from a background thread while simulated time stands still."""
        deadline = time.monotonic() + real_s
        while (found := next(filter(match, self.records.rest), None)) is None:
            if time.monotonic() > deadline:
                raise ScenarioError(f"no matching REST request within {real_s} s")
            await asyncio.sleep(_REST_POLL_S)
        return found

    async def serve(self, *, poll_s: float = 0.05) -> None:
        """Run forever on a real clock, starting what the REST side asks for (`make run`)."""
        while True:
            self._drain()
            await asyncio.sleep(poll_s)

    async def aclose(self) -> None:
        """Stop every simulated call."""
        await self.clock.aclose()

    def _drain(self) -> bool:
        notices = self.book.drain()
        for notice in notices:
            self._start(notice)
        return bool(notices)

    def _start(self, notice: Notice) -> None:
        if isinstance(notice, NewCall):
            self._start_call(notice.sid)
        elif isinstance(notice, NewMessage):
            self.clock.spawn(run_message(self.sim, notice.sid), f"sms {notice.sid}")
        else:
            self._control(notice)

    def _start_call(self, sid: str) -> None:
        call = self.book.call(sid)
        if call is None or call.order is None:
            return
        who = self.sim.directory.lookup(call.to)
        leg = self.sim.new_leg(
            sid=sid, to=call.to, from_=call.from_, direction=Direction.OUTBOUND_API, who=who
        )
        self.clock.spawn(run_outbound(self.sim, leg, call.order), f"outbound {sid}")

    def _control(self, control: CallControl) -> None:
        leg = self.sim.legs.get(control.sid)
        if leg is None or leg.final:
            return
        if control.status is not None:
            status = CallStatus.COMPLETED if leg.answered_at else CallStatus.CANCELED
            leg.interrupt_with(HungUp(by_party=False, status=status))
        elif control.url is not None and leg.answered_at is not None:
            # A redirect before the answer is not simulated: the call keeps its first URL.
            leg.interrupt_with(Redirected(Fetch(control.url, control.method)))


def _messages(body: str) -> tuple[str, ...]:
    try:
        verbs = parse_twiml(body)
    except TwimlError:
        return ()
    texts: list[str] = []
    for verb in verbs:
        if verb.name == "Message":
            nested = [child.text for child in verb.children if child.name == "Body"]
            texts.append(" ".join([verb.text, *nested]).strip())
    return tuple(texts)
