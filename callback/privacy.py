"""Masking phone numbers for logs: enough to tell callers apart, never enough to dial.

A masked number keeps its country code and last two digits, "+44 ******* 00"; the mask
has a fixed width, so it does not give away the length. Input that does not parse as an
international number is masked whole. Free text is masked wherever a number might be,
preferring to hide a date or an order number over letting a phone number through.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, NumberParseException, PhoneNumber, PhoneNumberMatcher

from callback.numbers import MAX_INPUT_LENGTH, normalise_digits

MASK = "*******"
"""What stands in for the hidden digits of a number."""

UNREADABLE = "***"
"""What a whole unreadable number becomes."""

_SHORTEST_WITH_TAIL = 6  # a shorter number would give away too much with two digits shown
# Seven or more digits, at most two spaces, dots, hyphens or brackets between any two.
_DIGIT_RUN = re.compile(r"\d(?:[ .()\-]{0,2}\d){6,}")


def mask_number(number: str) -> str:
    """Keep the country code and last two digits, "+44 ******* 00"; junk becomes "***"."""
    if not number:
        return ""
    if len(number) > MAX_INPUT_LENGTH:
        return UNREADABLE
    try:
        parsed = phonenumbers.parse(normalise_digits(number), None)
    except NumberParseException:
        return UNREADABLE
    return _masked(parsed)


# What logs are made of and no phone number is written as stays readable (the digit-run rule
# below would otherwise take them): ISO dates, times and timestamps; Twilio's SIDs ("CA" and
# 32 hex digits); UUIDs; hex digests (a letter among twelve or more hex digits); IPv4 addresses.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_READABLE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?<![\d:])\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[+-]\d{2}:\d{2})?(?![\d:])"
    r"|\b[A-Z]{2}[0-9a-f]{32}\b"
    r"|\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b"
    r"|\b(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}\b"
    rf"|(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\d]|\.\d)"
)


def mask_text(text: str) -> str:
    """Mask everything in free text that looks like a phone number (digits are folded first)."""
    plain = normalise_digits(text)
    pieces: list[str] = []
    done = 0
    for kept in _READABLE.finditer(plain):
        pieces += [_mask_numbers(plain[done : kept.start()]), kept.group()]
        done = kept.end()
    pieces.append(_mask_numbers(plain[done:]))
    return "".join(pieces)


def _mask_numbers(plain: str) -> str:
    pieces: list[str] = []
    done = 0
    for match in PhoneNumberMatcher(plain, phonenumbers.UNKNOWN_REGION, Leniency.POSSIBLE):
        pieces += [plain[done : match.start], _masked(match.number)]
        done = match.end
    pieces.append(plain[done:])
    # The matcher only knows numbers with a country code; local ones are long digit runs.
    return _DIGIT_RUN.sub(_mask_run, "".join(pieces))


def _masked(number: PhoneNumber) -> str:
    digits = phonenumbers.national_significant_number(number)
    if len(digits) < _SHORTEST_WITH_TAIL:
        return f"+{number.country_code} {MASK}"
    return f"+{number.country_code} {MASK} {digits[-2:]}"


def _mask_run(run: re.Match[str]) -> str:
    text = run.group()
    keep_from = [index for index, char in enumerate(text) if char.isdigit()][-2]
    return re.sub(r"\d", "*", text[:keep_from]) + text[keep_from:]
