"""The state one simulation shares: its clock, randomness, books, queues, parties and wire."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from callback.carrier import CallStatus, Direction
from devtools.carrier.book import CallBook
from devtools.carrier.clock import SimClock
from devtools.carrier.leg import Leg, Next
from devtools.carrier.profiles import Agent, Behaviour, Person
from devtools.carrier.queues import Queues
from devtools.carrier.resources import CallResource
from devtools.carrier.twiml import Verb
from devtools.carrier.webhook import Webhooks

AGENT_SCHEMES = ("sip:", "client:")
_DIALLED = frozenset({CallStatus.RINGING, CallStatus.IN_PROGRESS})


@dataclass(frozen=True, slots=True)
class AppUrls:
    """How the service numbers are configured: the app's voice, status, fallback, SMS URLs."""

    voice: str
    status: str | None = None
    fallback: str | None = None
    sms: str | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """How long things take on the simulated network, in seconds."""

    seconds_per_word: float = 0.4
    play_seconds: float = 20.0
    max_loops: int = 10
    key_seconds: float = 0.5
    amd_seconds: float = 3.0
    busy_seconds: float = 2.0
    hold_music_seconds: float = 30.0
    callback_delay_s: float = 1.0
    queue_poll_s: float = 1.0


@dataclass
class Directory:
    """Who answers at an address: registered parties, else a default person or agent."""

    person: Behaviour = field(default_factory=Person)
    agent: Behaviour = field(default_factory=Agent)
    parties: dict[str, Behaviour] = field(default_factory=dict)

    def lookup(self, address: str) -> Behaviour:
        """The party at `address` (SIP and client endpoints default to an agent)."""
        if address in self.parties:
            return self.parties[address]
        return self.agent if address.startswith(AGENT_SCHEMES) else self.person


Executor = Callable[["Sim", Leg, Verb, str], Awaitable[Next]]
"""Runs one verb on a leg; the string is the URL of the document it came from."""


class Sim:
    """Everything the interpreter needs, passed to every verb."""

    def __init__(
        self,
        *,
        clock: SimClock,
        rng: random.Random,
        hooks: Webhooks,
        book: CallBook,
        urls: AppUrls,
        timing: Timing,
        directory: Directory,
        strict: bool,
    ) -> None:
        self.clock = clock
        self.rng = rng
        self.hooks = hooks
        self.book = book
        self.urls = urls
        self.timing = timing
        self.directory = directory
        self.strict = strict
        self.queues = Queues(book.new_sid)
        self.legs: dict[str, Leg] = {}
        self.verbs: Mapping[str, Executor] = {}
        self.app_errors: list[str] = []

    @property
    def account_sid(self) -> str:
        """The simulated account."""
        return self.book.account_sid

    def new_leg(
        self,
        *,
        to: str,
        from_: str,
        direction: Direction,
        who: Behaviour,
        parent: Leg | None = None,
        sid: str | None = None,
    ) -> Leg:
        """A leg, registered here and (unless it exists already) in the REST books."""
        leg = Leg(
            sid=sid or self.book.new_sid("CA"),
            from_=from_,
            to=to,
            direction=direction,
            who=who,
            alarm=self.clock.alarm(),
            parent_sid=None if parent is None else parent.sid,
        )
        self.legs[leg.sid] = leg
        if self.book.call(leg.sid) is None:
            self.book.add_call(self._resource(leg))
        return leg

    def _resource(self, leg: Leg) -> CallResource:
        return CallResource(
            sid=leg.sid,
            account_sid=self.account_sid,
            to=leg.to,
            from_=leg.from_,
            direction=leg.direction,
            created=self.clock.now(),
            parent_sid=leg.parent_sid,
        )

    def set_status(self, leg: Leg, status: CallStatus) -> None:
        """Move `leg` to `status`, stamping answer and end times, here and in the books."""
        now = self.clock.now()
        leg.status = status
        if status is CallStatus.IN_PROGRESS and leg.answered_at is None:
            leg.answered_at = now
        if status.is_final:
            leg.ended_at = now

        def change(call: CallResource) -> None:
            call.status = status
            call.updated = now
            if status in _DIALLED and call.started is None:
                call.started = now
            call.answered_by = leg.answered_by
            if status.is_final:
                call.ended = now
                call.duration = duration(leg)

        self.book.update_call(leg.sid, change)


def duration(leg: Leg) -> int:
    """Whole seconds from answer to end; 0 for a leg never answered."""
    if leg.answered_at is None or leg.ended_at is None:
        return 0
    return int((leg.ended_at - leg.answered_at).total_seconds())
