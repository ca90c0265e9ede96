"""Properties of every document, for every queue and language of the example config.

Rendering every builder in every language the example config offers also proves that
each prompt the IVR speaks exists there with placeholders the builders can fill.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callback.config.loader import load_config
from callback.config.model import SupervisorConfig
from callback.estimate import Estimate
from callback.numbers import Refusal
from callback.ordering import MoveReason, Position
from callback.request import CallbackRequest, Promise, Slot
from callback.types import E164, Channel, QueueName, RequestId
from ivr import capture, confirm, hold, inbound, outbound, recognise, schedule, survey, voicemail
from ivr.call import QueueCall
from ivr.links import parse_url
from ivr.whisper import Briefing, whisper

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
ESTIMATE = Estimate(timedelta(minutes=9), timedelta(minutes=4), timedelta(minutes=16), NOW, True, 2)
STANDING = inbound.Standing(Position(6, 4, tuple(MoveReason)), ESTIMATE)
SLOT = Slot(NOW + timedelta(days=1), NOW + timedelta(days=1, minutes=30))
REQUEST = CallbackRequest(
    id=RequestId(3),
    queue=QueueName("support"),
    number=E164("+447700900123"),
    channel=Channel.IVR,
    virtual_start=NOW,
    created_at=NOW,
    updated_at=NOW,
    promise=Promise(NOW, timedelta(minutes=9), timedelta(minutes=4), timedelta(minutes=16), NOW),
)
BRIEFING = Briefing(timedelta(minutes=7), 1, 3, "billing", "order 12", "https://r.example/1")

Builder = Callable[[QueueCall], str]


def _builders() -> Iterator[tuple[str, Builder]]:
    yield (
        "welcome-open",
        lambda c: inbound.welcome(
            c, now=NOW, schedule=c.settings.schedule(), standing=STANDING, slots=True
        ),
    )
    yield (
        "welcome-closed",
        lambda c: inbound.welcome(
            c, now=LATER, schedule=c.settings.schedule(), standing=None, slots=True
        ),
    )
    yield "language-menu", lambda c: inbound.language_menu(c, attempt=1)
    yield "reason-menu", lambda c: inbound.reason_menu(c, attempt=1)
    yield "language-chosen", lambda c: inbound.language_chosen(c, standing=STANDING, slots=True)
    yield "reason-chosen", lambda c: inbound.reason_chosen(c, standing=STANDING, slots=True)
    yield "hold", hold.hold
    yield "hold-wait", lambda c: hold.hold_wait(c, position=STANDING.position, estimate=ESTIMATE)
    yield "caller-id", lambda c: capture.start_capture(c, "+447700900123")
    yield "ask-number", lambda c: capture.ask_number(c, refusal=Refusal.BLOCKED, failures=1)
    yield "read-back", lambda c: capture.read_back(c, "07700900123", attempt=1)
    yield "way-out", lambda c: capture.way_out(c, Refusal.OWN_NUMBER)
    yield "slots", lambda c: schedule.offer_slots(c, now=NOW, slots=[SLOT])
    yield "no-slots", lambda c: schedule.offer_slots(c, now=NOW, slots=[])
    yield "slot-confirmed", lambda c: schedule.slot_confirmed(c, now=NOW, slot=SLOT)
    yield (
        "recognised",
        lambda c: recognise.recognised(
            c, now=NOW - timedelta(minutes=1), request=REQUEST, position=STANDING.position
        ),
    )
    yield "kept", recognise.kept
    yield "cancelled", recognise.cancelled
    yield "voicemail", voicemail.voicemail
    yield "voicemail-saved", voicemail.voicemail_saved
    yield "confirmed", lambda c: confirm.callback_confirmed(c, estimate=ESTIMATE)
    yield "farewell", confirm.farewell
    yield "answered", lambda c: outbound.answered(c, request=3, answered_by="human")
    yield "machine", outbound.machine_message
    yield "bridge", lambda c: outbound.bridge(c, request=3, agent="sip:boris@pbx.example.com")
    yield (
        "agent-first",
        lambda c: outbound.agent_first(
            c, request=3, briefing=BRIEFING, customer="+447700900123", caller_id="+442079460000"
        ),
    )
    yield "customer-greeting", outbound.customer_greeting
    yield (
        "bridge-failed",
        lambda c: outbound.customer_bridge_ended(
            c, request=3, dial_status="no-answer", survey=True
        ),
    )
    yield (
        "bridge-survey",
        lambda c: outbound.customer_bridge_ended(
            c, request=3, dial_status="completed", survey=True
        ),
    )
    yield "agent-unreached", lambda c: outbound.agent_bridge_ended(c, dial_status="busy")
    yield "whisper", lambda c: whisper(c, BRIEFING)
    yield "survey", lambda c: survey.survey(c, request=3)
    yield "survey-done", survey.survey_done


BUILDERS = dict(_builders())


@pytest.fixture(scope="module")
def example() -> SupervisorConfig:
    return load_config(EXAMPLE)


def _calls(config: SupervisorConfig) -> Iterator[QueueCall]:
    for name, queue in config.queues.items():
        for code in queue.languages:
            yield QueueCall.of(config, name, code)


@pytest.fixture(scope="module")
def documents(example: SupervisorConfig) -> list[tuple[QueueCall, str, ET.Element]]:
    rendered = []
    for call in _calls(example):
        for name, build in BUILDERS.items():
            text = build(call)
            rendered.append((call, name, ET.fromstring(text)))
    return rendered


def test_the_example_config_has_several_languages(example: SupervisorConfig) -> None:
    codes = {code for queue in example.queues.values() for code in queue.languages}
    assert codes == {"en", "ru", "is", "fa"}


def test_every_gather_has_an_action_that_is_one_of_our_links(
    documents: list[tuple[QueueCall, str, ET.Element]],
) -> None:
    gathers = 0
    for _, name, root in documents:
        for gather in root.iter("Gather"):
            gathers += 1
            assert gather.get("action"), name
            parse_url(gather.get("action", ""))
    assert gathers > 0


def test_every_url_in_a_document_is_a_link_the_routes_can_parse(
    documents: list[tuple[QueueCall, str, ET.Element]],
) -> None:
    for _, name, root in documents:
        for element in root.iter():
            for attribute in ("action", "waitUrl", "url", "recordingStatusCallback"):
                if element.get(attribute):
                    assert parse_url(element.get(attribute, "")), (name, attribute)
            if element.tag == "Redirect":
                assert parse_url(element.text or ""), name


MULTILINGUAL = {"language-menu", "welcome-open"}
"""Documents holding the language menu, where each language is offered in itself."""


def test_every_say_has_a_language_and_filled_text(
    documents: list[tuple[QueueCall, str, ET.Element]],
) -> None:
    for call, name, root in documents:
        for say in root.iter("Say"):
            assert say.get("language"), name
            assert (say.text or "").strip(), name
            assert "{" not in (say.text or ""), name
            offered = {call.speaker_for(code).say_language for code in call.settings.languages}
            if name in MULTILINGUAL:
                assert say.get("language") in offered, name
            else:
                assert say.get("language") == call.speaker.say_language, name


def test_the_machine_message_has_no_digits_in_any_language(
    documents: list[tuple[QueueCall, str, ET.Element]],
) -> None:
    for _, name, root in documents:
        if name == "machine":
            text = " ".join(say.text or "" for say in root.iter("Say"))
            assert not any(char.isdigit() for char in text), text


HOLD_VERBS = {"Response", "Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"}


def test_the_wait_url_document_uses_only_verbs_twilio_allows_there(
    documents: list[tuple[QueueCall, str, ET.Element]],
) -> None:
    leave = ET.fromstring(hold.leave_hold())
    for _, name, root in [*documents, (None, "hold-wait", leave)]:
        if name == "hold-wait":
            assert {element.tag for element in root.iter()} <= HOLD_VERBS


def test_documents_are_written_with_sorted_attributes(
    documents: list[tuple[QueueCall, str, ET.Element]],
) -> None:
    # Golden tests depend on twilio writing attributes in sorted order.
    for call, name, _ in documents[: len(BUILDERS)]:
        text = BUILDERS[name](call)
        for element in ET.fromstring(text).iter():
            assert list(element.attrib) == sorted(element.attrib), name
