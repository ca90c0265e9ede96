"""Simulated Twilio queues: who waits in which queue, and the bridge an agent makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from devtools.carrier.leg import Leg


@dataclass(eq=False)
class Bridge:
    """An agent's `<Dial><Queue>` taking a waiting caller; both tasks meet through it."""

    dialer: Leg
    url: str | None
    method: str
    connected: bool = False
    done: bool = False
    ended_by_caller: bool = False
    caller_gone: bool = False


@dataclass(eq=False)
class Member:
    """A caller waiting in a queue since `joined`."""

    leg: Leg
    joined: datetime
    left: datetime | None = None
    bridge: Bridge | None = None

    def waited(self, now: datetime) -> int:
        """Whole seconds spent in the queue."""
        return int(((self.left or now) - self.joined).total_seconds())


class SimQueue:
    """One named queue, first come first served."""

    def __init__(self, name: str, sid: str) -> None:
        self.name = name
        self.sid = sid
        self.members: list[Member] = []

    def join(self, leg: Leg, now: datetime) -> Member:
        """Add `leg` at the back."""
        member = Member(leg, now)
        self.members.append(member)
        return member

    def remove(self, member: Member, now: datetime) -> None:
        """Take `member` out (once)."""
        if member in self.members:
            self.members.remove(member)
            member.left = member.left or now

    def position(self, member: Member) -> int:
        """1 for the front of the queue."""
        return self.members.index(member) + 1

    def average_wait(self, now: datetime) -> int:
        """The mean time the callers now in the queue have waited so far, in seconds."""
        if not self.members:
            return 0
        return sum(m.waited(now) for m in self.members) // len(self.members)

    def next_waiting(self) -> Member | None:
        """The caller at the front who is not being bridged yet."""
        return next((m for m in self.members if m.bridge is None), None)


class Queues:
    """Every queue by name; a queue exists from its first use."""

    def __init__(self, new_sid: Callable[[str], str]) -> None:
        self._new_sid = new_sid
        self._queues: dict[str, SimQueue] = {}

    def get(self, name: str) -> SimQueue:
        """The queue called `name`, made if needed."""
        if name not in self._queues:
            self._queues[name] = SimQueue(name, self._new_sid("QU"))
        return self._queues[name]

    def sizes(self) -> dict[str, int]:
        """How many callers wait in each queue."""
        return {name: len(queue.members) for name, queue in self._queues.items()}
