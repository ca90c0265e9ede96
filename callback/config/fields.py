"""Value types of the config file, each validated on the way in with a rule a person can read."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    SerializerFunctionWrapHandler,
    WrapSerializer,
)

from callback.config.durations import (
    format_duration,
    parse_clock,
    parse_duration,
    parse_end,
    parse_interval,
)
from callback.hours import Interval

_SIP = re.compile(r"sip:[A-Za-z0-9._~+%-]+@[A-Za-z0-9.-]+(?::\d{1,5})?(?:;[a-z]+=[A-Za-z0-9.-]+)*")
_CLIENT = re.compile(r"client:[A-Za-z0-9_.-]{1,121}")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Z]{2})?")
_PREFIX = re.compile(r"\+\d{1,14}")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


class FrozenModel(BaseModel):
    """Base of every config table: immutable, and unknown keys are errors, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def e164(value: str) -> str:
    """A valid international number written with "+", normalised to E.164."""
    if not value.strip().startswith("+"):
        raise ValueError(f"write numbers in international form starting with '+', got {value!r}")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {value!r} ({error})") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number: {value!r}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


class EndpointKind(StrEnum):
    """How an agent is reached."""

    PHONE = "phone"
    SIP = "sip"
    CLIENT = "client"


def endpoint_kind(endpoint: str) -> EndpointKind:
    """The kind of an already validated endpoint."""
    for kind in (EndpointKind.SIP, EndpointKind.CLIENT):
        if endpoint.startswith(f"{kind}:"):
            return kind
    return EndpointKind.PHONE


def endpoint(value: str) -> str:
    """An agent endpoint: E.164 number, "sip:user@host" or "client:identity"."""
    text = value.strip()
    if text.startswith("+"):
        return e164(text)
    if _SIP.fullmatch(text) or _CLIENT.fullmatch(text):
        return text
    raise ValueError(
        "an endpoint is an E.164 number ('+44...'), 'sip:user@host' or 'client:identity'; "
        f"got {value!r}"
    )


def region(value: str) -> str:
    """An ISO 3166 alpha-2 region that phonenumbers knows, upper-cased."""
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {value!r}; use an ISO 3166 alpha-2 code such as 'GB'")
    return code


def time_zone(value: str) -> str:
    """An IANA time zone name that zoneinfo can load."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name like 'Europe/London'"
        ) from None
    return value


def matching(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    """A check that `pattern` matches the whole value, naming `what` was expected if not."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{what}, got {value!r}")
        return value

    return check


def _at_least(minimum: timedelta) -> Callable[[timedelta], timedelta]:
    def check(value: timedelta) -> timedelta:
        if value < minimum:
            raise ValueError(f"must be at least {format_duration(minimum)}")
        return value

    return check


def _at_most(maximum: timedelta) -> Callable[[timedelta], timedelta]:
    def check(value: timedelta) -> timedelta:
        if value > maximum:
            raise ValueError(f"must be at most {format_duration(maximum)}")
        return value

    return check


def _slot_capacity(value: object) -> int | Literal["auto"]:
    if value == "auto":
        return "auto"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError(f"slot capacity is 'auto' or a whole number of at least 1, got {value!r}")


_SECOND = timedelta(seconds=1)

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
PositiveDuration = Annotated[Duration, AfterValidator(_at_least(_SECOND))]
RingTimeout = Annotated[
    Duration, AfterValidator(_at_least(5 * _SECOND)), AfterValidator(_at_most(600 * _SECOND))
]
ClockTime = Annotated[time, BeforeValidator(parse_clock)]
ClockEnd = Annotated[time, BeforeValidator(parse_end)]
OpeningRange = Annotated[Interval, PlainValidator(parse_interval), PlainSerializer(str)]
E164Number = Annotated[str, AfterValidator(e164)]
Endpoint = Annotated[str, AfterValidator(endpoint)]
Region = Annotated[str, AfterValidator(region)]
TimeZoneName = Annotated[str, AfterValidator(time_zone)]
LanguageCode = Annotated[
    str, AfterValidator(matching(LANGUAGE_CODE, "a language is a code like 'en', 'fa' or 'pt-BR'"))
]
Prefix = Annotated[
    str, AfterValidator(matching(_PREFIX, "a number prefix is '+' and digits, like '+44909'"))
]
EnvName = Annotated[
    str,
    AfterValidator(matching(_ENV_NAME, "an environment variable name like 'CAPTCHA_SECRET'")),
]
SlotCapacity = Annotated[int | Literal["auto"], PlainValidator(_slot_capacity)]


def at_least(minimum: timedelta) -> AfterValidator:
    """A validator refusing durations below `minimum`."""
    return AfterValidator(_at_least(minimum))


def at_most(maximum: timedelta) -> AfterValidator:
    """A validator refusing durations above `maximum`."""
    return AfterValidator(_at_most(maximum))


KeyT = TypeVar("KeyT")
ValueT = TypeVar("ValueT")


def _freeze(value: Mapping[KeyT, ValueT]) -> Mapping[KeyT, ValueT]:
    return MappingProxyType(dict(value))


def _thaw(value: Mapping[object, object], handler: SerializerFunctionWrapHandler) -> object:
    return handler(dict(value))


ReadOnlyMap = Annotated[Mapping[KeyT, ValueT], AfterValidator(_freeze), WrapSerializer(_thaw)]
"""A table of the file kept read-only after validation, so a frozen model stays frozen."""
