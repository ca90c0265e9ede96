"""Form bodies: read the way `urllib.parse.parse_qsl` reads them, whatever the bytes."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message

from webhooks.twilio.form import BodyTooLarge, parse_form, read_body


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


@given(
    st.lists(
        st.sampled_from(
            ["a", "=", "&", "+", "%", "%2", "%2B", "%2b", "%41", "%C3", "%A9", "\xe9", " ", "4"]
        )
    )
)
def test_any_mix_of_separators_and_escapes_reads_as_parse_qsl_reads_it(parts: list[str]) -> None:
    body = "".join(parts).encode()
    assert parse_form(body) == _reference(body)


def _request(messages: list[Message], content_length: int | None = None) -> Request:
    pending = iter(messages)

    async def receive() -> Message:
        return next(pending)

    headers = [] if content_length is None else [(b"content-length", str(content_length).encode())]
    scope = {"type": "http", "method": "POST", "path": "/twilio/voice", "headers": headers}
    return Request(scope, receive)


def _chunk(body: bytes, more: bool) -> Message:
    return {"type": "http.request", "body": body, "more_body": more}


def test_a_body_sent_in_pieces_is_read_whole() -> None:
    pieces = [_chunk(b"CallSid=CA1", True), _chunk(b"", True), _chunk(b"&Digits=1", False)]
    assert asyncio.run(read_body(_request(pieces))) == b"CallSid=CA1&Digits=1"


def test_a_body_over_the_limit_is_refused_whether_declared_or_sent() -> None:
    with pytest.raises(BodyTooLarge, match="declared"):
        asyncio.run(read_body(_request([_chunk(b"x", False)], content_length=11), limit=10))
    pieces = [_chunk(b"x" * 6, True), _chunk(b"x" * 6, False)]
    with pytest.raises(BodyTooLarge, match="more than 10"):
        asyncio.run(read_body(_request(pieces), limit=10))


def test_a_caller_gone_before_the_body_is_a_disconnect() -> None:
    pieces = [_chunk(b"CallSid=", True), {"type": "http.disconnect"}]
    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(_request(pieces)))


def test_a_number_with_more_escapes_after_its_plus_is_decoded_whole() -> None:
    body = b"From=%2B44+20%2B7&To=%2B442079460000&Name=%2B%C3%A9"
    assert (
        parse_form(body)
        == _reference(body)
        == {
            "From": "+44 20+7",
            "To": "+442079460000",
            "Name": "+é",
        }
    )


def test_every_value_of_a_repeated_name_is_kept_in_order() -> None:
    form = parse_form(b"Digits=1&To=%2B44&Digits=2&Digits=1")
    assert form["Digits"] == "1"
    assert form.getlist("Digits") == ["1", "2", "1"]
    assert form.getlist("To") == ["+44"]


@given(st.binary())
def test_every_pair_parse_qsl_reads_is_kept(body: bytes) -> None:
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    form = parse_form(body)
    assert [(name, value) for name in form for value in form.getlist(name)] == sorted(
        pairs, key=lambda pair: list(form).index(pair[0])
    )
