"""Reading TwiML."""

from __future__ import annotations

import pytest
from twilio.twiml.voice_response import VoiceResponse

from devtools.carrier.twiml import TwimlError, Verb, parse_twiml


def test_verbs_attributes_and_nested_nouns_are_read() -> None:
    response = VoiceResponse()
    gather = response.gather(action="/g", num_digits=1)
    gather.say("Press one.", language="en-GB")
    dial = response.dial(action="/d", timeout=20)
    dial.number("+442079460500", url="/whisper")
    verbs = parse_twiml(str(response.to_xml()))
    assert [verb.name for verb in verbs] == ["Gather", "Dial"]
    assert verbs[0].attrs == {"action": "/g", "numDigits": "1"}
    assert verbs[0].children == (Verb("Say", "Press one.", {"language": "en-GB"}),)
    number = verbs[1].children[0]
    assert (number.name, number.text, number.attrs["url"]) == (
        "Number",
        "+442079460500",
        "/whisper",
    )


def test_attribute_helpers() -> None:
    verb = Verb("Gather", attrs={"timeout": "7", "bad": "x", "flag": "True", "empty": ""})
    assert verb.number("timeout", 5) == 7 and verb.number("bad", 5) == 5
    assert verb.number("missing", 5) == 5 and verb.flag("flag") and not verb.flag("missing")
    assert verb.attr("empty", "d") == "d"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<Response><Say>open", "well-formed"),
        ("<Html/>", "not <Response>"),
        ('<!DOCTYPE r [<!ENTITY a "aaaa">]><Response>&a;</Response>', "DTD"),
        ("", "well-formed"),
    ],
)
def test_what_is_not_twiml_is_refused(body: str, problem: str) -> None:
    with pytest.raises(TwimlError, match=problem):
        parse_twiml(body)
