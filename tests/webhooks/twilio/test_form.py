"""Form bodies: read the way `urllib.parse.parse_qsl` reads them, whatever the bytes."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from webhooks.twilio.form import parse_form


def _reference(body: bytes) -> dict[str, str]:
    text = body.decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True))


def test_a_twilio_body_is_read_with_its_numbers_decoded() -> None:
    body = b"CallSid=CA1&From=%2B442079460456&To=%2B442079460000&CallerName=Ada+L%C3%B6we"
    assert parse_form(body) == {
        "CallSid": "CA1",
        "From": "+442079460456",
        "To": "+442079460000",
        "CallerName": "Ada Löwe",
    }


def test_blank_values_are_kept_empty_pairs_skipped_and_the_last_value_wins() -> None:
    assert parse_form(b"Digits=&&Flag&Digits=2&=x") == {"Digits": "2", "Flag": "", "": "x"}


@given(st.dictionaries(st.text(), st.text()))
def test_any_encoded_form_reads_back(form: dict[str, str]) -> None:
    assert parse_form(urlencode(form).encode()) == form


@given(st.binary())
def test_any_bytes_read_as_parse_qsl_reads_them(body: bytes) -> None:
    assert parse_form(body) == _reference(body)


@given(st.lists(st.sampled_from(["a", "=", "&", "+", "%", "%2", "%41", "%C3", "%A9", "\xe9", " "])))
def test_any_mix_of_separators_and_escapes_reads_as_parse_qsl_reads_it(parts: list[str]) -> None:
    body = "".join(parts).encode()
    assert parse_form(body) == _reference(body)
