"""One E.164 check (`callback.types.is_e164`), held against phonenumbers' own formatting."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from phonenumbers import PhoneNumber, PhoneNumberFormat

from callback.numbers import NumberPolicy
from callback.types import is_e164

_TYPES = (
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.VOIP,
)
_EXAMPLES = [
    number
    for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    for kind in _TYPES
    if (number := phonenumbers.example_number_for_type(region, kind)) is not None
] + [
    number
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    if (number := phonenumbers.example_number_for_non_geo_entity(code)) is not None
]
_OTHER_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")  # Arabic-Indic


@st.composite
def valid_numbers(draw: st.DrawFn) -> PhoneNumber:
    """A valid number of any country: an example from the metadata with its last digits redrawn."""
    example = draw(st.sampled_from(_EXAMPLES))
    national = phonenumbers.national_significant_number(example)
    keep = len(national) - draw(st.integers(1, min(4, len(national) - 1)))
    tail = draw(st.text("0123456789", min_size=len(national) - keep, max_size=len(national) - keep))
    number = phonenumbers.parse(f"+{example.country_code}{national[:keep]}{tail}")
    return number if phonenumbers.is_valid_number(number) else example


def _e164(number: PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, PhoneNumberFormat.E164))


_SHORTEST = min(_EXAMPLES, key=lambda number: len(_e164(number)))
_LONGEST = max(_EXAMPLES, key=lambda number: len(_e164(number)))


@given(valid_numbers())
@example(_SHORTEST)  # six digits today (an Iranian UAN): a lower bound of seven refused it
@example(_LONGEST)
def test_every_valid_number_formatted_in_e164_is_e164(number: PhoneNumber) -> None:
    assert is_e164(_e164(number))


@given(
    valid_numbers(),
    st.sampled_from(
        [PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL, PhoneNumberFormat.RFC3966]
    ),
)
def test_other_formats_of_a_valid_number_are_not_e164(number: PhoneNumber, style: int) -> None:
    written = str(phonenumbers.format_number(number, style))
    assert is_e164(written) is (written == _e164(number))


@given(valid_numbers())
def test_digits_of_another_script_are_not_e164(number: PhoneNumber) -> None:
    # phonenumbers reads them, but they are not E.164 and no carrier sends them.
    plain = _e164(number)
    written = plain[:2] + plain[2:].translate(_OTHER_DIGITS)  # "+4" then "٤٢٠..."
    assert phonenumbers.parse(written) == number
    assert not is_e164(written)


@given(valid_numbers(), st.text("0123456789", min_size=1, max_size=3))
def test_more_than_fifteen_digits_is_not_e164(number: PhoneNumber, extra: str) -> None:
    padded = _e164(number) + "0" * 15 + extra
    assert not is_e164(padded)
    assert is_e164(padded[:16])


def test_a_leading_zero_no_plus_or_trailing_text_is_not_e164() -> None:
    assert [is_e164(text) for text in ("+442079460000", "+042079460000", "442079460000")] == [
        True,
        False,
        False,
    ]
    assert not is_e164("+442079460000\n")
    assert not is_e164("+44 20 7946 0000")


@given(valid_numbers())
def test_the_number_policy_takes_exactly_what_is_e164(number: PhoneNumber) -> None:
    written = _e164(number)
    assert NumberPolicy(own_numbers=frozenset({written})).own_numbers == {written}
    with pytest.raises(ValueError, match="blocked: malformed entries"):
        NumberPolicy(blocked=frozenset({written[:2] + written[2:].translate(_OTHER_DIGITS)}))
