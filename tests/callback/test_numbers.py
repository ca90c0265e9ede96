"""The number policy: what may be called back, and why the rest is refused."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from callback.numbers import (
    DEFAULT_ALLOWED_TYPES,
    MAX_INPUT_LENGTH,
    AcceptedNumber,
    NumberPolicy,
    NumberType,
    Refusal,
    RefusedNumber,
    check_number,
    normalise_digits,
)
from callback.types import E164

ANY = NumberPolicy()
# Ofcom keeps 020 7946 0000-0999 (London) and 0113 496 0000-0999 (Leeds) free for drama.
LONDON = "+442079460000"


def example(region: str, number_type: int, style: int = PhoneNumberFormat.E164) -> str:
    """A number from phonenumbers' own metadata, so the test follows metadata updates."""
    number = phonenumbers.example_number_for_type(region, number_type)
    assert number is not None, (region, number_type)
    return phonenumbers.format_number(number, style)


def non_geographic(country_code: int) -> str:
    number = phonenumbers.example_number_for_non_geo_entity(country_code)
    assert number is not None, country_code
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def refusal(raw: str, region: str = "GB", policy: NumberPolicy = ANY) -> Refusal:
    result = check_number(raw, region, policy)
    assert isinstance(result, RefusedNumber), result
    return result.reason


def accepted(raw: str, region: str = "GB", policy: NumberPolicy = ANY) -> AcceptedNumber:
    result = check_number(raw, region, policy)
    assert isinstance(result, AcceptedNumber), result
    return result


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("020 7946 0000", "GB"),
        ("(020) 7946 0000", "GB"),
        ("+44 20 7946 0000", "US"),
        ("+44 (0)20 7946 0000", "GB"),
        ("0044 20 7946 0000", "GB"),
        ("0044 20 7946 0000", "US"),  # "00" works even where the region dials out with 011
        ("011 44 20 7946 0000", "US"),
        ("+44-20-7946-0000", "DE"),
        ("+44.20.7946.0000", "FR"),
        ("  +442079460000  ", "GB"),
        ("+442079460000", "ZZ"),
        ("tel:+44-20-7946-0000", "GB"),
        ("TEL:+442079460000", "GB"),
    ],
)
def test_national_and_international_formats_give_one_e164(raw: str, region: str) -> None:
    assert accepted(raw, region) == AcceptedNumber(E164(LONDON), "GB", NumberType.FIXED_LINE)


@pytest.mark.parametrize(
    "raw",
    [
        "+４４ ２０ ７９４６ ００００",  # full-width digits and plus
        "۰۲۰ ۷۹۴۶ ۰۰۰۰",  # Persian digits
        "٠٢٠ ٧٩٤٦ ٠٠٠٠",  # Arabic-Indic digits
        "०२० ७९४६ ००००",  # Devanagari digits
        "020\u00a07946\u00a00000",  # no-break spaces
        "020\u202f7946\u20090000",  # narrow no-break and thin spaces
        "+44\u200b20\u200c7946\u200d0000",  # zero-width space, non-joiner, joiner
        "\u200e+44 20 7946 0000\u200f",  # left-to-right and right-to-left marks
        "\u2066+44 20 7946 0000\u2069",  # bidi isolate
        "\ufeff020 7946 0000",  # byte-order mark
        "020\u20117946\u20110000",  # non-breaking hyphens
    ],
)
def test_unicode_digits_and_invisible_marks_are_folded(raw: str) -> None:
    assert accepted(raw).e164 == LONDON


def test_normalise_digits_folds_scripts_and_drops_format_characters() -> None:
    assert normalise_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalise_digits("０１２３４５６７８９") == "0123456789"
    assert normalise_digits("৪২\u200b") == "42"
    assert normalise_digits("a\u202eb\u00a0c") == "ab c"
    assert normalise_digits("+44 20") == "+44 20"


def test_good_numbers_of_the_main_kinds_are_accepted() -> None:
    assert accepted("0113 496 0000").number_type is NumberType.FIXED_LINE
    assert accepted(example("GB", PhoneNumberType.MOBILE)).number_type is NumberType.MOBILE
    assert accepted(example("US", PhoneNumberType.FIXED_LINE_OR_MOBILE)).region == "US"
    toll_free = accepted(example("GB", PhoneNumberType.TOLL_FREE))
    assert toll_free.number_type is NumberType.TOLL_FREE
    assert accepted(example("GB", PhoneNumberType.VOIP)).number_type is NumberType.VOIP


@pytest.mark.parametrize(
    ("raw", "region", "kind"),
    [
        ("0909 879 0000", "GB", NumberType.PREMIUM_RATE),
        (example("GB", PhoneNumberType.PREMIUM_RATE), "GB", NumberType.PREMIUM_RATE),
        ("0900 1 234567", "DE", NumberType.PREMIUM_RATE),
        (example("DE", PhoneNumberType.PREMIUM_RATE), "DE", NumberType.PREMIUM_RATE),
        ("1-900-234-5678", "US", NumberType.PREMIUM_RATE),
        (example("FR", PhoneNumberType.PREMIUM_RATE), "FR", NumberType.PREMIUM_RATE),
        ("08 91 12 34 56", "FR", NumberType.PREMIUM_RATE),
        (example("FR", PhoneNumberType.SHARED_COST), "FR", NumberType.SHARED_COST),
        (example("DE", PhoneNumberType.SHARED_COST), "DE", NumberType.SHARED_COST),
        (example("ES", PhoneNumberType.SHARED_COST), "ES", NumberType.SHARED_COST),
        (example("GB", PhoneNumberType.UAN), "GB", NumberType.UAN),
        (example("CH", PhoneNumberType.UAN), "CH", NumberType.UAN),
        ("+44 70 1234 5678", "GB", NumberType.PERSONAL_NUMBER),
        (example("DE", PhoneNumberType.PERSONAL_NUMBER), "DE", NumberType.PERSONAL_NUMBER),
        (example("GB", PhoneNumberType.PAGER), "GB", NumberType.PAGER),
        (example("DE", PhoneNumberType.VOICEMAIL), "DE", NumberType.VOICEMAIL),
        (non_geographic(881), "GB", NumberType.SATELLITE),  # Iridium +8816
        ("+881 6 1234 5678", "GB", NumberType.SATELLITE),
        (non_geographic(870), "GB", NumberType.SATELLITE),  # Inmarsat
        (non_geographic(882), "GB", NumberType.INTERNATIONAL_NETWORK),
        (non_geographic(883), "GB", NumberType.INTERNATIONAL_NETWORK),
        (non_geographic(979), "GB", NumberType.PREMIUM_RATE),  # international premium
        (non_geographic(808), "GB", NumberType.SHARED_COST),  # international shared cost
    ],
)
def test_costly_and_odd_kinds_are_refused_by_type(raw: str, region: str, kind: NumberType) -> None:
    result = check_number(raw, region, ANY)
    assert result == RefusedNumber(Refusal.TYPE_NOT_ALLOWED, f"{kind} numbers are not allowed")


def test_a_queue_may_allow_a_kind_the_default_refuses() -> None:
    policy = NumberPolicy(allowed_types=DEFAULT_ALLOWED_TYPES | {NumberType.SATELLITE})
    satellite = accepted(non_geographic(881), policy=policy)
    assert (satellite.region, satellite.number_type) == ("001", NumberType.SATELLITE)
    only_gb = NumberPolicy(allowed_regions=frozenset({"GB"}))
    assert refusal(non_geographic(881), policy=only_gb) is Refusal.REGION_NOT_ALLOWED


def test_the_default_set_is_the_documented_one() -> None:
    assert {str(kind) for kind in DEFAULT_ALLOWED_TYPES} == {
        "fixed_line",
        "mobile",
        "fixed_line_or_mobile",
        "toll_free",
        "voip",
    }


NORTH_AMERICA = NumberPolicy(allowed_regions=frozenset({"US", "CA"}))


@pytest.mark.parametrize("look_alike", ["AG", "JM", "DO", "GD", "BS", "BB", "TT", "PR"])
def test_nanp_look_alikes_are_known_by_their_own_region(look_alike: str) -> None:
    number = example(look_alike, PhoneNumberType.FIXED_LINE)
    assert number.startswith("+1")
    assert accepted(number, "US").region == look_alike
    result = check_number(number, "US", NORTH_AMERICA)
    assert result == RefusedNumber(
        Refusal.REGION_NOT_ALLOWED, f"numbers from region {look_alike} are not allowed"
    )


def test_antigua_and_jamaica_typed_as_us_style_numbers_are_refused() -> None:
    assert refusal("(268) 460-1234", "US", NORTH_AMERICA) is Refusal.REGION_NOT_ALLOWED
    assert refusal("1 876 523 0123", "US", NORTH_AMERICA) is Refusal.REGION_NOT_ALLOWED
    assert refusal("+1 809 234 5678", "US", NORTH_AMERICA) is Refusal.REGION_NOT_ALLOWED


def test_us_and_canadian_numbers_pass_a_north_american_queue() -> None:
    # 555-0100..0199 are NANPA's numbers reserved for fiction.
    assert accepted("(212) 555-0100", "US", NORTH_AMERICA).region == "US"
    assert accepted("+1 416 555 0100", "US", NORTH_AMERICA).region == "CA"
    assert refusal(LONDON, "US", NORTH_AMERICA) is Refusal.REGION_NOT_ALLOWED


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("112", "GB"),
        ("999", "GB"),
        ("911", "US"),
        ("112", "US"),
        ("110", "DE"),
        ("112", "DE"),
        ("15", "FR"),  # SAMU
        ("17", "FR"),  # police
        ("000", "AU"),
        ("+44 999", "US"),
        ("+49 110", "GB"),
    ],
)
def test_emergency_numbers_are_refused(raw: str, region: str) -> None:
    result = check_number(raw, region, ANY)
    assert result == RefusedNumber(
        Refusal.EMERGENCY_OR_SHORT_CODE, "emergency numbers are not allowed"
    )


@pytest.mark.parametrize(
    ("raw", "region"),
    [("118 118", "GB"), ("100", "GB"), ("123", "GB"), ("116 123", "GB"), ("611", "US")],
)
def test_short_codes_are_refused(raw: str, region: str) -> None:
    result = check_number(raw, region, ANY)
    assert result == RefusedNumber(Refusal.EMERGENCY_OR_SHORT_CODE, "short codes are not allowed")


@pytest.mark.parametrize(
    "raw",
    [
        "+44 20 7946 0000 x12",
        "+44 20 7946 0000 X 12",
        "+44 20 7946 0000 ext. 5",
        "+44 20 7946 0000 ext",
        "+44 20 7946 0000 extension 5",
        "+44 20 7946 0000;ext=5",
        "tel:+44-20-7946-0000;ext=5",
        "+44 20 7946 0000,,123#",
        "+44 20 7946 0000,5",
        "+44 20 7946 0000#",
        "+442079460000w123",
        "+442079460000pp1",
        "*67 020 7946 0000",
        ",,123#",
        ";ext=5",
        "x12",
        "#31#020 7946 0000",
    ],
)
def test_extensions_and_dial_tones_are_refused(raw: str) -> None:
    assert refusal(raw) is Refusal.EXTENSION


@pytest.mark.parametrize(
    "raw",
    [
        "sip:alice@example.com",
        "sips:+442079460000@sip.example.com",
        "client:alice",
        "client:+442079460000",
        "tel:7946-0000;phone-context=+44-20",
        "tel:alice",
        "alice@example.com",
        "+442079460000@example.com",
        "skype:alice",
        "1-800-FLOWERS",
        "+44 20 7946 0000 whatever",
        "call me",
        "DROP TABLE callbacks",
        "ｃｌｉｅｎｔ:alice",  # full-width letters fold to a client: URI
    ],
)
def test_addresses_and_letters_are_not_pstn(raw: str) -> None:
    assert refusal(raw) is Refusal.NOT_PSTN


@pytest.mark.parametrize(
    "raw",
    [
        "'; DROP TABLE callbacks; --",
        "<script>alert(1)</script>",
        "020 7946 0000<br>",
        "020\n7946 0000",
        "020\t7946 0000",
        "020 7946 0000\x00",
        "{{7*7}}",
        "${jndi:ldap://x}",
        "020 7946 0000 ' OR '1'='1",
        "+",
        "----",
        "20 7946 0000 ZZ",
    ],
)
def test_injection_attempts_and_junk_are_refused(raw: str) -> None:
    assert refusal(raw) in {Refusal.NOT_A_NUMBER, Refusal.NOT_PSTN, Refusal.EXTENSION}


def test_surrounding_whitespace_is_trimmed_but_inner_control_characters_are_not() -> None:
    assert accepted("\t020 7946 0000\r\n").e164 == LONDON
    assert refusal("020\r\n7946 0000") is Refusal.NOT_A_NUMBER


def test_symbols_are_not_a_number_and_say_which_characters_are_allowed() -> None:
    result = check_number("'; DROP TABLE callbacks; --", "GB", ANY)
    assert result == RefusedNumber(
        Refusal.NOT_A_NUMBER, "only digits, spaces and + - . ( ) / are allowed"
    )
    assert refusal("<script>alert(1)</script>") is Refusal.NOT_A_NUMBER


@pytest.mark.parametrize("raw", ["", " ", "\u200b", "\u00a0\u200e\ufeff", "\t"])
def test_empty_input_is_refused_as_empty(raw: str) -> None:
    assert check_number(raw, "GB", ANY) == RefusedNumber(
        Refusal.EMPTY, "a phone number is required"
    )


def test_input_longer_than_the_limit_is_refused_before_parsing() -> None:
    assert refusal("0" * 64 * 1024) is Refusal.TOO_LONG
    assert refusal("1" * (MAX_INPUT_LENGTH + 1)) is Refusal.TOO_LONG
    assert refusal(" " * (MAX_INPUT_LENGTH + 1)) is Refusal.TOO_LONG
    padded = LONDON.center(MAX_INPUT_LENGTH)
    assert accepted(padded).e164 == LONDON


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("020 7946 000", "GB"),  # one digit short
        ("020 7946 00000", "GB"),  # one digit long
        ("+1 212 155 0100", "US"),  # an exchange cannot start with 1
        ("+44 1 2345", "GB"),
        ("0000 000 000", "GB"),
    ],
)
def test_numbers_outside_the_numbering_plan_are_invalid(raw: str, region: str) -> None:
    assert refusal(raw, region) is Refusal.INVALID


@pytest.mark.parametrize(
    ("raw", "region", "message"),
    [
        ("20 7946 0000", "ZZ", "the number needs a known country code (start with + or 00)"),
        ("+999 1234 5678", "GB", "the number needs a known country code (start with + or 00)"),
        ("+8816", "GB", "the number has too few digits"),
        ("+44 " + "1" * 20, "GB", "the number has too many digits"),
        ("+", "GB", "this does not look like a phone number"),
    ],
)
def test_unparseable_input_names_the_problem(raw: str, region: str, message: str) -> None:
    assert check_number(raw, region, ANY) == RefusedNumber(Refusal.NOT_A_NUMBER, message)


def test_bidi_override_cannot_smuggle_a_reversed_number() -> None:
    # Displayed as "+44 20 7946 0000" but stored backwards: the stored order is judged.
    result = check_number("\u202e0000 6497 02 44+", "GB", ANY)
    assert isinstance(result, RefusedNumber)


def test_our_own_numbers_are_refused() -> None:
    policy = NumberPolicy(own_numbers=frozenset({LONDON}))
    assert check_number("020 7946 0000", "GB", policy) == RefusedNumber(
        Refusal.OWN_NUMBER, "our own service and agent numbers are not allowed"
    )
    assert accepted("020 7946 0001", policy=policy).e164 == "+442079460001"


def test_blocked_numbers_and_prefixes_are_refused() -> None:
    policy = NumberPolicy(blocked=frozenset({LONDON}), blocked_prefixes=("+4411349",))
    blocked = RefusedNumber(Refusal.BLOCKED, "blocked numbers are not allowed")
    assert check_number("020 7946 0000", "GB", policy) == blocked
    assert check_number("0113 496 0123", "GB", policy) == blocked
    assert accepted("020 7946 0999", policy=policy).e164 == "+442079460999"


def test_region_is_judged_before_type() -> None:
    policy = NumberPolicy(allowed_regions=frozenset({"US"}))
    assert refusal("0909 879 0000", "GB", policy) is Refusal.REGION_NOT_ALLOWED


@pytest.mark.parametrize(
    "policy_fields",
    [
        {"allowed_regions": frozenset({"gb"})},
        {"allowed_regions": frozenset({"GBR"})},
        {"blocked": frozenset({"02079460000"})},
        {"blocked_prefixes": ("1900",)},
        {"own_numbers": frozenset({"+44 20 7946 0000"})},
    ],
)
def test_a_malformed_policy_is_refused_when_built(policy_fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="malformed"):
        NumberPolicy(**policy_fields)  # type: ignore[arg-type]


def test_an_unknown_default_region_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown default region"):
        check_number("020 7946 0000", "XX", ANY)
    with pytest.raises(ValueError, match="unknown default region"):
        check_number("020 7946 0000", "gb", ANY)


def test_a_judgement_kept_is_reused_only_for_the_same_inputs() -> None:
    raw, allowed = "020 7946 0123", NumberPolicy()
    first = check_number(raw, "GB", allowed)
    hits = check_number.cache_info().hits
    assert check_number(raw, "GB", allowed) is first  # kept: phonenumbers is not asked again
    assert check_number.cache_info().hits == hits + 1
    assert isinstance(first, AcceptedNumber)
    # A new policy (a reloaded config) or another region is judged afresh.
    blocked = NumberPolicy(blocked=frozenset({first.e164}))
    assert isinstance(check_number(raw, "GB", blocked), RefusedNumber)
    assert isinstance(check_number(raw, "US", allowed), RefusedNumber)
