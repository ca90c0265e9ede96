"""Masking numbers for logs: country code and last two digits at most, and never a crash."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from callback.privacy import MASK, UNREADABLE, mask_number, mask_text

MASKED_SHAPE = re.compile(r"|\*\*\*|\+\d{1,3} \*{7}( \d\d)?")


def examples(style: int) -> list[str]:
    """Mobile numbers of many regions from phonenumbers' metadata, in `style`."""
    found = []
    for region in ["GB", "US", "CA", "AU", "DE", "FR", "IR", "IN", "BR", "JP", "NG", "AG"]:
        number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        assert number is not None, region
        found.append(phonenumbers.format_number(number, style))
    return found


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+442079460000", "+44 ******* 00"),
        ("+44 20 7946 0999", "+44 ******* 99"),
        ("+1 (212) 555-0100", "+1 ******* 00"),
        ("+98 21 8888 8888", "+98 ******* 88"),
        ("+４４ ２０ ７９４６ ００００", "+44 ******* 00"),
        ("+۴۴ ۲۰ ۷۹۴۶ ۰۰۰۰", "+44 ******* 00"),
        ("+44\u200b20\u200e7946 0000", "+44 ******* 00"),
        ("+44 20 7946 0000 ext. 123", "+44 ******* 00"),  # the extension goes too
        ("+881612345678", "+881 ******* 78"),
        ("+44 112", "+44 *******"),  # short: no digit shown
    ],
)
def test_numbers_keep_their_country_code_and_last_two_digits(number: str, masked: str) -> None:
    assert mask_number(number) == masked


def test_the_mask_does_not_give_away_the_length() -> None:
    assert mask_number("+35312345678").count("*") == mask_number("+5511961234567").count("*")
    assert len(MASK) == 7


@pytest.mark.parametrize(
    "junk",
    [
        "020 7946 0000",  # no country code: which digits matter is unknown, so hide all
        "hello",
        "+999 1234 5678",
        "+1",
        "'; DROP TABLE callbacks; --",
        "\x00\x01",
        "\ud800",
        "9" * 65,
        "x" * 64 * 1024,
    ],
)
def test_junk_is_masked_whole(junk: str) -> None:
    assert mask_number(junk) == UNREADABLE


def test_nothing_stays_nothing() -> None:
    assert mask_number("") == ""
    assert mask_text("") == ""


@given(st.text())
def test_mask_number_never_raises_and_has_one_of_three_shapes(text: str) -> None:
    assert MASKED_SHAPE.fullmatch(mask_number(text))


@given(st.sampled_from(examples(PhoneNumberFormat.E164)))
def test_masked_numbers_never_show_more_than_two_national_digits(number: str) -> None:
    national = phonenumbers.national_significant_number(phonenumbers.parse(number))
    masked = mask_number(number)
    assert national not in masked
    assert masked.endswith(" " + national[-2:])


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "Call me on +44 20 7946 0000 after 5pm",
            "Call me on +44 ******* 00 after 5pm",
        ),
        (
            "my number is 020 7946 0000, or (212) 555-0100",
            "my number is *** **** **00, or (***) ***-**00",
        ),
        (
            "+1-212-555-0100 and +33 1 23 45 67 89",
            "+1 ******* 00 and +33 ******* 89",
        ),
        ("Persian: ۰۲۰ ۷۹۴۶ ۰۰۰۰.", "Persian: *** **** **00."),
        ("hidden +44\u200b20\u200b7946\u200b0000 joins", "hidden +44 ******* 00 joins"),
        ("glued abc+442079460000xyz", "glued abc+44 ******* 00xyz"),
        ("07946000000", "*********00"),
        ("no numbers here, just 5 cats and 123 dogs", "no numbers here, just 5 cats and 123 dogs"),
        ("order 123456 is short enough to stay", "order 123456 is short enough to stay"),
    ],
)
def test_numbers_in_free_text_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_iso_dates_and_times_stay_readable_in_logs() -> None:
    line = "next run at: 2026-11-22 11:04:41 UTC (at 2026-11-22T11:04:37.383587+00:00)"
    assert mask_text(line) == line
    assert mask_text("opens at 08:00, closes 17:30:00") == "opens at 08:00, closes 17:30:00"


def test_a_number_beside_a_timestamp_is_still_masked() -> None:
    masked = mask_text("2026-11-22 11:04:41 call from 02079460000 at 11:04")
    assert masked == "2026-11-22 11:04:41 call from *********00 at 11:04"


words = st.text(st.characters(exclude_categories=("Nd", "No", "Cs")), max_size=20)


@given(
    before=words,
    number=st.sampled_from(examples(PhoneNumberFormat.INTERNATIONAL)),
    after=words,
)
def test_a_number_anywhere_in_text_loses_all_but_five_digits(
    before: str, number: str, after: str
) -> None:
    # Five at most: a country code of up to three digits and the last two.
    masked = mask_text(f"{before} {number} {after}")
    assert len(re.findall(r"\d", masked)) <= 5


# A "+" right before a national number makes it read as international (its first digits
# become a country code that the mask keeps): that case belongs to the test above.
unsigned_words = st.text(
    st.characters(exclude_categories=("Nd", "No", "Cs"), exclude_characters="+\uff0b"),
    max_size=20,
)


@given(
    before=unsigned_words,
    number=st.sampled_from(examples(PhoneNumberFormat.NATIONAL)),
    after=words,
)
def test_a_national_number_anywhere_in_text_loses_all_but_two_digits(
    before: str, number: str, after: str
) -> None:
    masked = mask_text(f"{before} {number} {after}")
    assert len(re.findall(r"\d", masked)) <= 2


@given(st.text())
def test_mask_text_never_raises_and_is_idempotent(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


@pytest.mark.parametrize(
    "kept",
    [
        "CA0123456789abcdef0123456789abcdef",  # a call SID
        "SM1234567890abcdef1234567890abcdef",  # a message SID
        "AC11111111111111111111111111111111",  # an account SID with a long digit run
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",  # a config hash
        "2d711642b726",  # the hash's prefix the reload log shows
        "123e4567-e89b-12d3-a456-426614174000",
        "192.168.100.200",
    ],
)
def test_sids_hashes_uuids_and_addresses_stay_readable(kept: str) -> None:
    assert mask_text(f"call {kept} placed to +44 20 7946 0456") == (
        f"call {kept} placed to +44 ******* 56"
    )


@given(st.text("0123456789abcdef", min_size=32, max_size=32), st.sampled_from(["CA", "SM", "RE"]))
def test_any_sid_stays_whole(hex_digits: str, prefix: str) -> None:
    assert mask_text(f"sid={prefix}{hex_digits}.") == f"sid={prefix}{hex_digits}."


def test_a_number_is_not_taken_for_an_identifier() -> None:
    # A digit run with no hex letter, or a dotted group that is no address, is still a number.
    assert mask_text("from 079460456789 and 020.7946.0456") == "from **********89 and ***.****.**56"
