import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivr.links import (
    MAX_ATTEMPT,
    MAX_ID,
    PREFIX,
    RELATIVE,
    Entry,
    Link,
    LinkError,
    Links,
    Step,
    parse_link,
    parse_url,
)


def test_a_link_is_a_path_under_the_ivr_prefix_with_a_fixed_query_order() -> None:
    link = Link(Step.NUMBER_CONFIRM, "support", "ru", 1, 42, "07946000000", ("a", "b"))
    assert link.relative() == (
        "/twilio/ivr/number-confirm?queue=support&lang=ru&attempt=1&request=42"
        "&digits=07946000000&choices=a%2Cb"
    )


def test_defaults_are_left_out_of_the_query() -> None:
    assert Link(Step.HOLD_WAIT).relative() == "/twilio/ivr/hold-wait"
    assert Link(Step.HOLD_WAIT, "support").relative() == "/twilio/ivr/hold-wait?queue=support"


def test_the_fixed_entry_points() -> None:
    assert [entry.value for entry in Entry] == [
        "/twilio/voice",
        "/twilio/status",
        "/twilio/sms",
        "/twilio/sms-status",
        "/twilio/fallback",
    ]
    assert Links("https://cb.example.com/").entry(Entry.STATUS) == (
        "https://cb.example.com/twilio/status"
    )


def test_a_public_base_url_makes_links_absolute() -> None:
    links = Links("https://cb.example.com/holdless")
    assert links.url(Link(Step.SURVEY, "sales", "is", request=7)) == (
        "https://cb.example.com/holdless/twilio/ivr/survey?queue=sales&lang=is&request=7"
    )
    assert RELATIVE.url(Link(Step.SURVEY)) == "/twilio/ivr/survey"


@pytest.mark.parametrize("base", ["cb.example.com", "ftp://cb.example.com", "https://a b"])
def test_a_base_that_is_not_an_http_url_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="public base URL"):
        Links(base)


def test_next_attempt_keeps_everything_else() -> None:
    link = Link(Step.SLOT, "support", "en", 0, None, None, ("1-2",))
    assert link.next_attempt() == Link(Step.SLOT, "support", "en", 1, None, None, ("1-2",))
    assert Link(Step.SLOT, attempt=MAX_ATTEMPT).next_attempt().attempt == MAX_ATTEMPT


def test_the_step_after_a_number_capture_travels_in_the_link() -> None:
    link = Link(Step.NUMBER, "support", "en", 1, after=Step.VOICEMAIL)
    assert link.relative() == "/twilio/ivr/number?queue=support&lang=en&attempt=1&after=voicemail"
    assert link.next_attempt().after is Step.VOICEMAIL
    assert parse_link(link.path, link.query()) == link


def test_parse_reads_a_link_back() -> None:
    link = parse_link(
        "/twilio/ivr/number-confirm", "queue=support&lang=ru&attempt=1&digits=07946000000"
    )
    assert link == Link(Step.NUMBER_CONFIRM, "support", "ru", 1, digits="07946000000")
    assert parse_url("https://cb.example.com/twilio/ivr/hold-wait") == Link(Step.HOLD_WAIT)


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/twilio/voice", "", "not an IVR path"),
        (PREFIX + "nowhere", "", "unknown IVR step"),
        (PREFIX + "slot", "colour=red", "unknown parameter 'colour'"),
        (PREFIX + "slot", "queue=a&queue=b", "given twice"),
        (PREFIX + "slot", "attempt=one", "expected a whole number"),
        (PREFIX + "slot", "attempt=100", "attempt: must be 0 to 99"),
        (PREFIX + "slot", "attempt=-1", "expected a whole number"),
        (PREFIX + "slot", "request=0", "positive 64-bit id"),
        (PREFIX + "slot", "request=9223372036854775808", "positive 64-bit id"),
        (PREFIX + "slot", "queue=Support", "queue: malformed"),
        (PREFIX + "slot", "lang=english", "lang: malformed"),
        (PREFIX + "slot", "digits=%2B44", "digits: malformed"),
        (PREFIX + "slot", "choices=a,,b", "choices: malformed"),
        (PREFIX + "slot", "choices=1,2,3,4,5,6,7,8,9,10", "at most 9"),
        (PREFIX + "slot", "queue", "malformed query"),
        (PREFIX + "number", "after=nowhere", "after: unknown step"),
    ],
)
def test_parse_refuses_what_no_builder_made(path: str, query: str, message: str) -> None:
    with pytest.raises(LinkError, match=message):
        parse_link(path, query)


def test_a_link_refuses_bad_values_when_built() -> None:
    with pytest.raises(LinkError, match="queue"):
        Link(Step.HOLD, queue="no spaces")


_tokens = st.from_regex(r"[A-Za-z0-9_.:-]{1,40}", fullmatch=True)


@given(
    step=st.sampled_from(Step),
    queue=st.none() | st.from_regex(r"[a-z0-9_-]{1,64}", fullmatch=True),
    lang=st.none() | st.sampled_from(["en", "ru", "fa", "is", "pt-BR"]),
    attempt=st.integers(0, MAX_ATTEMPT),
    request=st.none() | st.integers(1, MAX_ID),
    digits=st.none() | st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    choices=st.lists(_tokens, max_size=9).map(tuple),
    after=st.none() | st.sampled_from(Step),
)
def test_every_link_parses_back_to_itself(
    step: Step,
    queue: str | None,
    lang: str | None,
    attempt: int,
    request: int | None,
    digits: str | None,
    choices: tuple[str, ...],
    after: Step | None,
) -> None:
    link = Link(step, queue, lang, attempt, request, digits, choices, after)
    assert parse_url(Links("https://cb.example.com").url(link)) == link


@pytest.mark.parametrize("query", ["attempt=%D9%A3", "request=%D9%A3", "digits=%D9%A3"])
def test_only_ascii_digits_are_numbers(query: str) -> None:
    with pytest.raises(LinkError):
        parse_link(PREFIX + "slot", query)
