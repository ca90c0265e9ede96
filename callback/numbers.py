"""The number policy: parse, normalise and judge a phone number before it joins a queue.

Parsing is `phonenumbers`' job; this module only decides. `check_number` runs a short
pipeline: screens on the raw text (length, emptiness, URI, extension, characters), the
parse, then screens on the parsed number (extension, emergency or short code, validity)
and on the policy (region, type, own numbers, blocks). The first objection is the answer.

A `tel:` URI is accepted when it carries a global number and nothing else
("tel:+44-20-7946-0000"); every other URI scheme, and anything with an `@`, is not a
PSTN number. Letters are refused, vanity numbers ("1-800-FLOWERS") included: a callback
number is typed by a person and read back to them, so it must be digits.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, shortnumberinfo

from callback.types import E164, is_e164

MAX_INPUT_LENGTH = 64
"""Longer input is refused before any parsing (a form field, not a document)."""

NON_GEOGRAPHIC_REGION = "001"
"""Region reported for numbers of global networks (+800, +870, +881, +882, ...)."""


class NumberType(StrEnum):
    """What kind of line a number reaches (phonenumbers' types plus global networks)."""

    FIXED_LINE = "fixed_line"
    MOBILE = "mobile"
    FIXED_LINE_OR_MOBILE = "fixed_line_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL_NUMBER = "personal_number"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"
    SATELLITE = "satellite"
    INTERNATIONAL_NETWORK = "international_network"


DEFAULT_ALLOWED_TYPES: frozenset[NumberType] = frozenset(
    {
        NumberType.FIXED_LINE,
        NumberType.MOBILE,
        NumberType.FIXED_LINE_OR_MOBILE,
        # Toll-free costs the caller nothing and is how many businesses are reached.
        NumberType.TOLL_FREE,
        NumberType.VOIP,
    }
)
"""Types a queue may call unless configured otherwise; every costly or odd kind is out."""


class Refusal(StrEnum):
    """Why a number cannot be called back."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    INVALID = "invalid"
    REGION_NOT_ALLOWED = "region_not_allowed"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    EXTENSION = "extension"
    EMERGENCY_OR_SHORT_CODE = "emergency_or_short_code"
    NOT_PSTN = "not_pstn"
    OWN_NUMBER = "own_number"
    BLOCKED = "blocked"


_PREFIX_SHAPE = re.compile(r"\+\d{1,15}")
_REGION_SHAPE = re.compile(rf"[A-Z]{{2}}|{NON_GEOGRAPHIC_REGION}")


@dataclass(frozen=True, slots=True)
class NumberPolicy:
    """Which numbers a queue may call; regions are ISO 3166 alpha-2, numbers E.164."""

    allowed_regions: frozenset[str] | None = None
    allowed_types: frozenset[NumberType] = DEFAULT_ALLOWED_TYPES
    blocked: frozenset[str] = frozenset()
    blocked_prefixes: tuple[str, ...] = ()
    own_numbers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _require_shape("allowed_regions", self.allowed_regions or (), _REGION_SHAPE)
        _require_e164("blocked", self.blocked)
        _require_shape("blocked_prefixes", self.blocked_prefixes, _PREFIX_SHAPE)
        _require_e164("own_numbers", self.own_numbers)


def _require_shape(field: str, values: Iterable[str], shape: re.Pattern[str]) -> None:
    _require(field, [value for value in values if not shape.fullmatch(value)])


def _require_e164(field: str, values: Iterable[str]) -> None:
    _require(field, [value for value in values if not is_e164(value)])


def _require(field: str, bad: list[str]) -> None:
    if bad:
        raise ValueError(f"{field}: malformed entries {sorted(bad)!r}")


@dataclass(frozen=True, slots=True)
class AcceptedNumber:
    """A number the policy lets the queue call."""

    e164: E164
    region: str
    number_type: NumberType


@dataclass(frozen=True, slots=True)
class RefusedNumber:
    """A refused number: the rule, and a short English sentence naming it."""

    reason: Refusal
    message: str


def normalise_digits(raw: str) -> str:
    """Fold Unicode digits, spaces and compatibility forms to ASCII; drop invisible marks."""
    return "".join(_fold(char) for char in unicodedata.normalize("NFKC", raw))


def _fold(char: str) -> str:
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width joiners/spaces, bidi marks and overrides, BOM
        return ""
    if category == "Zs":
        return " "
    return char


CHECKED_KEPT = 4096
"""Judgements kept (raw input, region, policy): an IVR call checks its caller ID on several
turns, and the answers are immutable."""


@functools.lru_cache(maxsize=CHECKED_KEPT)
def check_number(
    raw: str, default_region: str, policy: NumberPolicy
) -> AcceptedNumber | RefusedNumber:
    """Judge `raw` (national format in `default_region`, or international) against `policy`.

    `default_region` is an ISO 3166 alpha-2 code, or "ZZ" to require international format.
    The judgement is kept for the same three inputs (a new config brings a new policy).
    """
    if default_region not in phonenumbers.SUPPORTED_REGIONS and default_region != "ZZ":
        raise ValueError(f"unknown default region {default_region!r}")
    text = _prepare(raw)
    if isinstance(text, RefusedNumber):
        return text
    number = _parse(text, default_region)
    if isinstance(number, RefusedNumber):
        return number
    refusal = _first(screen(number) for screen in _NUMBER_SCREENS)
    if refusal is not None:
        return refusal
    candidate = _describe(number)
    return _first(screen(candidate, policy) for screen in _POLICY_SCREENS) or candidate


def _first(refusals: Iterable[RefusedNumber | None]) -> RefusedNumber | None:
    return next((refusal for refusal in refusals if refusal is not None), None)


# --- the raw text ---------------------------------------------------------------------

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_NUMBER_ALPHABET = frozenset("0123456789 +-.()/\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
# A pause, tone or extension after (or instead of) the number: ",", ";", "#", "*",
# "ext"/"extn"/"extension", "x" before digits, DTMF waits "w"/"p" before digits or tones.
_EXTENSION = re.compile(r"[,;#*]|ext(?:ension|n)?(?![a-z])|x\s*\d|[wp]+\s*[\d#*,;]", re.IGNORECASE)


def _prepare(raw: str) -> str | RefusedNumber:
    if len(raw) > MAX_INPUT_LENGTH:
        return RefusedNumber(
            Refusal.TOO_LONG, f"numbers longer than {MAX_INPUT_LENGTH} characters are not allowed"
        )
    text = normalise_digits(raw).strip()
    if not text:
        return RefusedNumber(Refusal.EMPTY, "a phone number is required")
    unwrapped = _unwrap_uri(text)
    if isinstance(unwrapped, RefusedNumber):
        return unwrapped
    return _refuse_characters(unwrapped) or unwrapped


def _unwrap_uri(text: str) -> str | RefusedNumber:
    if "@" in text:
        return RefusedNumber(Refusal.NOT_PSTN, "addresses with @ are not phone numbers")
    match = _SCHEME.match(text)
    if match is None:
        return text
    scheme, rest = match.group(1).lower(), text[match.end() :].strip()
    if scheme != "tel" or not rest.startswith("+"):
        return RefusedNumber(
            Refusal.NOT_PSTN, "only tel: URIs with a global (+) number are allowed"
        )
    return rest


def _refuse_characters(text: str) -> RefusedNumber | None:
    odd = next((index for index, char in enumerate(text) if char not in _NUMBER_ALPHABET), None)
    if odd is None:
        return None
    if _EXTENSION.match(text, odd):
        return RefusedNumber(Refusal.EXTENSION, "extensions and dial tones are not allowed")
    if not all(char.isalnum() or char in _NUMBER_ALPHABET for char in text):
        return RefusedNumber(
            Refusal.NOT_A_NUMBER, "only digits, spaces and + - . ( ) / are allowed"
        )
    return RefusedNumber(Refusal.NOT_PSTN, "letters are not allowed in a phone number")


# --- the parse ------------------------------------------------------------------------


def _parse(text: str, region: str) -> PhoneNumber | RefusedNumber:
    number = _try_parse(text, region)
    if text.startswith("00") and not _is_valid(number):
        # "00" is the international prefix in most of the world, even where the
        # queue's own region dials out differently (011 in the US, 0011 in Australia).
        retry = _try_parse("+" + text[2:], region)
        number = retry if _is_valid(retry) else number
    return number


def _try_parse(text: str, region: str) -> PhoneNumber | RefusedNumber:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException as error:
        return RefusedNumber(Refusal.NOT_A_NUMBER, _parse_message(error.error_type))


def _is_valid(number: PhoneNumber | RefusedNumber) -> bool:
    return isinstance(number, PhoneNumber) and phonenumbers.is_valid_number(number)


def _parse_message(error_type: int) -> str:
    if error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return "the number needs a known country code (start with + or 00)"
    if error_type in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return "the number has too few digits"
    if error_type == NumberParseException.TOO_LONG:
        return "the number has too many digits"
    return "this does not look like a phone number"


# --- the parsed number ----------------------------------------------------------------


def _refuse_extension(number: PhoneNumber) -> RefusedNumber | None:
    if number.extension:
        return RefusedNumber(Refusal.EXTENSION, "extensions and dial tones are not allowed")
    return None


def _refuse_not_valid(number: PhoneNumber) -> RefusedNumber | None:
    # One validity check for both refusals: it is the costliest step of the whole check.
    if phonenumbers.is_valid_number(number):
        return None
    return _refuse_short_code(number) or RefusedNumber(
        Refusal.INVALID, "the number is not valid in its country's numbering plan"
    )


def _refuse_short_code(number: PhoneNumber) -> RefusedNumber | None:
    """An emergency number or a short code (`number` is not a valid full number)."""
    digits = phonenumbers.national_significant_number(number)
    regions = phonenumbers.region_codes_for_country_code(number.country_code or 0)
    if any(shortnumberinfo.connects_to_emergency_number(digits, region) for region in regions):
        return RefusedNumber(Refusal.EMERGENCY_OR_SHORT_CODE, "emergency numbers are not allowed")
    if shortnumberinfo.is_valid_short_number(number):
        return RefusedNumber(Refusal.EMERGENCY_OR_SHORT_CODE, "short codes are not allowed")
    return None


_NUMBER_SCREENS: tuple[Callable[[PhoneNumber], RefusedNumber | None], ...] = (
    _refuse_extension,
    _refuse_not_valid,
)


def _describe(number: PhoneNumber) -> AcceptedNumber:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(number) or phonenumbers.UNKNOWN_REGION
    return AcceptedNumber(E164(e164), region, _number_type(number))


def _number_type(number: PhoneNumber) -> NumberType:
    match number.country_code:
        case 870 | 881:  # Inmarsat; ICO, Ellipso, Iridium and Globalstar
            return NumberType.SATELLITE
        case 878 | 882 | 883:  # universal personal telecom, international networks
            return NumberType.INTERNATIONAL_NETWORK
    name = phonenumbers.PhoneNumberType.to_string(phonenumbers.number_type(number))
    try:
        return NumberType(name.lower())
    except ValueError:  # a type added to phonenumbers after this list was written
        return NumberType.UNKNOWN


# --- the policy -----------------------------------------------------------------------


def _refuse_region(number: AcceptedNumber, policy: NumberPolicy) -> RefusedNumber | None:
    if policy.allowed_regions is None or number.region in policy.allowed_regions:
        return None
    return RefusedNumber(
        Refusal.REGION_NOT_ALLOWED, f"numbers from region {number.region} are not allowed"
    )


def _refuse_type(number: AcceptedNumber, policy: NumberPolicy) -> RefusedNumber | None:
    if number.number_type in policy.allowed_types:
        return None
    return RefusedNumber(Refusal.TYPE_NOT_ALLOWED, f"{number.number_type} numbers are not allowed")


def _refuse_own(number: AcceptedNumber, policy: NumberPolicy) -> RefusedNumber | None:
    if number.e164 not in policy.own_numbers:
        return None
    return RefusedNumber(Refusal.OWN_NUMBER, "our own service and agent numbers are not allowed")


def _refuse_blocked(number: AcceptedNumber, policy: NumberPolicy) -> RefusedNumber | None:
    if number.e164 not in policy.blocked and not number.e164.startswith(policy.blocked_prefixes):
        return None
    return RefusedNumber(Refusal.BLOCKED, "blocked numbers are not allowed")


_POLICY_SCREENS: tuple[Callable[[AcceptedNumber, NumberPolicy], RefusedNumber | None], ...] = (
    _refuse_region,
    _refuse_type,
    _refuse_own,
    _refuse_blocked,
)
