"""How simulated people behave on the phone: keys, answering, machines, patience, talk."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from callback.carrier import AnsweredBy, MessageStatus

KeyScript = Callable[[str], str | None] | tuple[str | None, ...]
"""Keys per `<Gather>`: a list used in order (None stays silent), or a function of what
was heard since the last input."""

_PRESSES = frozenset({AnsweredBy.HUMAN, AnsweredBy.UNKNOWN})


class Pickup(StrEnum):
    """What happens when a party's phone is rung."""

    ANSWER = "answer"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A simulated party. `keys=None` means a test presses the keys (see `CallHandle`)."""

    keys: KeyScript | None = None
    answer_probability: float = 1.0
    answered_by: AnsweredBy = AnsweredBy.HUMAN
    busy: bool = False
    reachable: bool = True
    ring_seconds: float = 4.0
    talk_seconds: float = 120.0
    patience_s: float | None = None
    message: str = "Please call me back."
    message_seconds: float = 6.0
    hangs_up_after_message: bool = False
    sms_result: MessageStatus = MessageStatus.DELIVERED

    def __post_init__(self) -> None:
        if not 0.0 <= self.answer_probability <= 1.0:
            raise ValueError("answer_probability must be within 0..1")
        seconds = (self.ring_seconds, self.talk_seconds, self.message_seconds)
        if min(seconds) < 0 or (self.patience_s is not None and self.patience_s < 0):
            raise ValueError("durations cannot be negative")

    @property
    def presses_keys(self) -> bool:
        """Machines and fax lines listen but never press a key."""
        return self.answered_by in _PRESSES


@dataclass(frozen=True, slots=True)
class Person(Behaviour):
    """A customer calling in or being called back."""


@dataclass(frozen=True, slots=True)
class Agent(Behaviour):
    """An agent: in a conversation with a customer, the agent is the one who hangs up."""


def pickup(who: Behaviour, rng: random.Random, timeout_s: float) -> Pickup:
    """Whether `who` answers within `timeout_s`; one draw from `rng` for a human."""
    if not who.reachable:
        return Pickup.FAILED
    if who.busy:
        return Pickup.BUSY
    if who.presses_keys and rng.random() >= who.answer_probability:
        return Pickup.NO_ANSWER
    if who.ring_seconds >= timeout_s:
        return Pickup.NO_ANSWER
    return Pickup.ANSWER


def scripted_keys(who: Behaviour, used: int, heard: str) -> str | None:
    """The keys `who` presses at their `used`-th `<Gather>`, having heard `heard`."""
    script = who.keys
    if script is None:
        return None
    if isinstance(script, tuple):
        return script[used] if used < len(script) else None
    return script(heard)


def choosing(rng: random.Random, options: tuple[str | None, ...]) -> Callable[[str], str | None]:
    """A key script that picks one of `options` at random at every `<Gather>`."""
    return lambda _heard: rng.choice(options)


def ends_conversation(dialer: Behaviour, dialed: Behaviour) -> bool:
    """True when the dialling party hangs up first: it is an agent talking to a customer."""
    return isinstance(dialer, Agent) and not isinstance(dialed, Agent)
