"""The people of `make run`'s day: callers who find their way through the menu, customers
who answer when called back, from numbers the number policy accepts.

A demo caller reads the menu it hears ("..., press N") and picks by what it came for: to
wait on the line, to be called back, or to book a later time. Called back, most press the
key to be connected, and some are not there.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from devtools.carrier.profiles import Behaviour, Person

_OPTION = re.compile(r"(?P<label>[^.?!]*?),?\s+press (?P<digit>\d)", re.IGNORECASE)
_SURVEY = "rate this call"
_ACCEPT_CALLBACK = 0.9


class Wants(StrEnum):
    """What a demo caller rang for."""

    HOLD = "hold"
    CALLBACK = "callback"
    LATER = "later"
    SWITCH = "switch"
    """Holds first, then takes the callback offered on hold."""


@dataclass(frozen=True, slots=True)
class Option:
    """One menu choice as heard: its words and its key."""

    label: str
    digit: str


def options(heard: str) -> list[Option]:
    """Every "..., press N" in what was heard, in order."""
    return [Option(m["label"].strip().lower(), m["digit"]) for m in _OPTION.finditer(heard)]


def _first(found: list[Option], *words: str) -> str | None:
    return next((o.digit for o in found if any(word in o.label for word in words)), None)


def _offer(heard: str, found: list[Option], wants: Wants) -> str | None:
    if "rather not wait" in heard.lower():  # the callback offered on hold
        return found[0].digit if wants is Wants.SWITCH else None
    match wants:
        case Wants.CALLBACK:
            return _first(found, "call you back", "book a time")
        case Wants.LATER:
            return _first(found, "later time", "call you back")
        case Wants.SWITCH | Wants.HOLD:
            return _first(found, "wait on the line")


def _answers(heard: str, found: list[Option], rng: random.Random) -> str | None:
    """Keys for what every caller answers the same way: confirmations, calls back, surveys."""
    text = heard.lower()
    if _SURVEY in text:
        return str(rng.randint(3, 5))
    if "to be connected now" in text:
        return "1" if rng.random() < _ACCEPT_CALLBACK else "2"
    for words in ("shall we call you back", "to use this number", "to keep it", "to be called"):
        if words in text and found:
            return _first(found, words) or found[0].digit
    return None


def demo_keys(rng: random.Random, wants: Wants) -> Callable[[str], str | None]:
    """The key script of a caller who came for `wants`."""

    def keys(heard: str) -> str | None:
        found = options(heard)
        settled = _answers(heard, found, rng)
        if settled is not None or not found:
            return settled
        if _first(found, "for english") is not None:
            return _first(found, "for english")
        reasons = [o.digit for o in found if o.label.startswith("for ")]
        if reasons:
            return rng.choice(reasons)
        return _offer(heard, found, wants)

    return keys


def demo_caller(rng: random.Random) -> Behaviour:
    """A caller of the demo day, patient for minutes; called back, most answer."""
    wants = rng.choices(list(Wants), weights=(40, 30, 10, 20))[0]
    return Person(
        keys=demo_keys(rng, wants),
        answer_probability=0.85,
        patience_s=rng.uniform(120, 900),
        talk_seconds=rng.uniform(60, 300),
    )


def demo_number(region: str, index: int) -> str:
    """A valid mobile number of `region` for the `index`-th caller (E.164).

    The digits after the first two of the region's example mobile are the index scrambled
    (a bijection), so callers differ early in the number, as real ones do: they do not all
    share one prefix, which the abuse limits per prefix would rightly find suspicious.
    """
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"no example mobile number for region {region}")
    national = str(example.national_number)
    head, width = national[:_KEPT], len(national) - _KEPT
    stride = 10**width // 7 + 1  # a skipped number's stand-in is a far-off caller's
    for step in range(10_000):
        tail = ((index + 1 + step * stride) * _SCRAMBLE) % 10**width
        candidate = phonenumbers.parse(f"+{example.country_code}{head}{tail:0{width}d}")
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"no valid number near the example of region {region}")


_KEPT = 2
_SCRAMBLE = 7_654_321  # odd and not a multiple of 5: a bijection modulo any power of ten
