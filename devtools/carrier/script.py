"""The scripted API: a test drives one simulated call step by step.

    call = await carrier.incoming_call(from_="+442079460000", to="+442079460001")
    await call.until_gather()
    assert "number 3 in line" in call.heard_text()
    await call.press("1")
    assert await call.until_end() is CallStatus.COMPLETED

Each step runs the simulation (in simulated time) until the call reaches the state the
step names, and fails with `ScenarioError` when the call ends or time runs out first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from callback.carrier import AnsweredBy, CallStatus
from devtools.carrier.leg import Heard, HungUp, Leg

_KEYS = re.compile(r"^[0-9*#]+$")


class ScenarioError(AssertionError):
    """The call did not do what the script expected."""


class Driver(Protocol):
    """What a call handle needs from the carrier."""

    async def run_until(self, done: Callable[[], bool], limit_s: float = ...) -> bool:
        """Run the simulation until `done()` or the time limit; whether `done()` held."""
        ...

    async def settle(self) -> None:
        """Run the simulation without moving time on."""
        ...

    def children(self, sid: str) -> list[Leg]:
        """The legs `<Dial>` made from the call `sid`."""
        ...


class CallHandle:
    """One simulated call leg, seen from its party's side."""

    def __init__(self, leg: Leg, driver: Driver) -> None:
        self._leg = leg
        self._driver = driver

    @property
    def sid(self) -> str:
        """The CallSid."""
        return self._leg.sid

    @property
    def status(self) -> CallStatus:
        """The call's current status."""
        return self._leg.status

    @property
    def answered_by(self) -> AnsweredBy | None:
        """What answering-machine detection found, when it ran."""
        return self._leg.answered_by

    @property
    def transcript(self) -> list[Heard]:
        """Everything the party experienced, in order."""
        return list(self._leg.transcript)

    @property
    def waiting_for_keys(self) -> bool:
        """A `<Gather>` is waiting for this party to press keys."""
        return self._leg.awaiting is not None

    def heard_text(self, *, since_input: bool = True) -> str:
        """What was said to the party since their last input (or over the whole call)."""
        return self._leg.heard_text(since_input=since_input)

    def heard(self, verb: str) -> list[Heard]:
        """The transcript entries for one verb ("Say", "Play", "Dial", "Keys", ...)."""
        return [entry for entry in self._leg.transcript if entry.verb == verb]

    def children(self) -> list[CallHandle]:
        """Handles on the legs this call dialled."""
        return [CallHandle(leg, self._driver) for leg in self._driver.children(self.sid)]

    async def until(self, done: Callable[[], bool], limit_s: float = 600.0) -> None:
        """Run until `done()`; fail if time runs out."""
        if not await self._driver.run_until(done, limit_s):
            raise ScenarioError(f"call {self.sid} ({self.status}): condition not met in {limit_s}s")

    async def until_gather(self, limit_s: float = 600.0) -> None:
        """Run until a `<Gather>` waits for this party's keys."""
        leg = self._leg
        await self._driver.run_until(lambda: leg.awaiting is not None or leg.final, limit_s)
        if leg.awaiting is None:
            raise ScenarioError(
                f"call {self.sid} ({self.status}) reached no Gather; heard: {self.heard_text()!r}"
            )

    async def until_heard(self, text: str, limit_s: float = 600.0) -> None:
        """Run until `text` has been said to the party."""
        leg = self._leg
        await self._driver.run_until(
            lambda: text in leg.heard_text(since_input=False) or leg.final, limit_s
        )
        if text not in leg.heard_text(since_input=False):
            raise ScenarioError(f"call {self.sid} ({self.status}) never heard {text!r}")

    async def press(self, keys: str) -> None:
        """Press `keys` at the waiting `<Gather>`, and let the app answer."""
        if not _KEYS.match(keys):
            raise ValueError("a keypad has only 0-9, * and #")
        if self._leg.awaiting is None:
            raise ScenarioError(f"call {self.sid}: no Gather is waiting for keys")
        self._leg.pressed = keys
        self._leg.alarm.ring()
        await self._driver.settle()

    async def stay_silent(self) -> None:
        """Let the waiting `<Gather>` time out."""
        awaiting = self._leg.awaiting
        if awaiting is None:
            raise ScenarioError(f"call {self.sid}: no Gather is waiting for keys")
        timeout = awaiting.gather.number("timeout", 5) + 1
        await self.until(lambda: self._leg.awaiting is not awaiting, timeout)

    async def hang_up(self) -> None:
        """The party hangs up."""
        self._leg.interrupt_with(HungUp(by_party=True))
        await self._driver.settle()

    async def until_end(self, limit_s: float = 3600.0) -> CallStatus:
        """Run until the call is over; its final status."""
        await self.until(lambda: self._leg.final, limit_s)
        return self.status
