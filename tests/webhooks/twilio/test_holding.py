"""Hold after odd input: only what a waitUrl allows, and a caller whose queue vanished from the
config mid-hold is told and moved, never left in silence."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from callback.types import QueueName
from devtools.carrier import DocContext
from tests.twiml_lint import lint
from tests.webhooks.twilio.conftest import Twilio, find, says, verbs

OLD = "queue=support&lang=en"


def _rename_support(config_file: Path, twilio: Twilio) -> None:
    """A live edit: the support queue is now called help (still the first queue)."""
    text = re.sub(r"queues\.support\b", "queues.help", config_file.read_text())
    config_file.write_text(text.replace('"support"', '"help"'))
    twilio.svc.config.poll(twilio.clock())
    assert next(iter(twilio.svc.config.current.queues)) == "help"


@pytest.mark.parametrize("step", ["hold-wait", "hold-key"])
@pytest.mark.parametrize(
    "query",
    [
        "queue=gone&lang=en",
        "queue=support&lang=xx-YY-zz",
        "queue=../etc&lang=en",
        "queue=support&lang=en&attempt=x",
        "queue=support&lang=en&request=-1",
    ],
)
def test_the_hold_documents_never_enqueue_whatever_the_link(
    twilio: Twilio, step: str, query: str
) -> None:
    response = twilio.post(f"/twilio/ivr/{step}?{query}", QueuePosition="2", Digits="5")
    assert response.status_code == 200
    assert lint(response.text, DocContext.WAIT) == []


@pytest.mark.parametrize("step", ["hold-wait", "hold-key"])
def test_a_failure_on_hold_plays_music_rather_than_silence(twilio: Twilio, step: str) -> None:
    with twilio.svc.store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE phone_call")
    # hold-key's own answer needs no database; a broken link still fails inside.
    query = OLD if step == "hold-wait" else "queue=support&lang=en&attempt=x"
    doc = twilio.twiml(f"/twilio/ivr/{step}?{query}", QueuePosition="2", Digits="5")
    assert verbs(doc) == ["Play"]


def test_a_caller_whose_queue_was_renamed_is_told_and_moved(
    twilio: Twilio, config_file: Path
) -> None:
    start = twilio.clock()
    twilio.post("/twilio/voice", CallStatus="ringing")
    twilio.twiml(f"/twilio/ivr/hold-wait?{OLD}", QueuePosition="1")
    _rename_support(config_file, twilio)
    gone = twilio.twiml(f"/twilio/ivr/hold-wait?{OLD}", QueuePosition="1")
    assert verbs(gone) == ["Say", "Leave"]
    assert "The line you were waiting in has changed" in says(gone)
    moved = twilio.twiml(f"/twilio/ivr/queue-result?{OLD}", QueueResult="leave")
    enqueue = find(moved, "Enqueue")
    assert enqueue.text == "help"
    wait_url = urlsplit(enqueue.attrib["waitUrl"])
    assert parse_qs(wait_url.query)["queue"] == ["help"]
    record = twilio.svc.calls.get(twilio.sid)
    assert record is not None and record.queue == QueueName("help")
    assert record.hold_since == start  # still the start of their wait
    again = twilio.twiml(enqueue.attrib["waitUrl"], QueuePosition="1")
    assert "Thank you for waiting" in says(again)
    assert twilio.svc.calls.on_hold(QueueName("help")) == 1


def test_a_key_pressed_in_a_vanished_queue_also_moves_the_caller(
    twilio: Twilio, config_file: Path
) -> None:
    _rename_support(config_file, twilio)
    doc = twilio.twiml(f"/twilio/ivr/hold-key?{OLD}", Digits="1")
    assert verbs(doc) == ["Say", "Leave"]


def test_a_caller_moved_to_a_closed_queue_gets_its_voicemail(
    twilio: Twilio, config_file: Path
) -> None:
    _rename_support(config_file, twilio)
    twilio.clock.now = twilio.clock.now.replace(hour=22)  # help (ex support) closes at 20:00
    doc = twilio.twiml(f"/twilio/ivr/queue-result?{OLD}", QueueResult="leave")
    assert verbs(doc) == ["Say", "Redirect"]
    target = find(doc, "Redirect").text or ""
    assert target.startswith("/twilio/ivr/voicemail?") and "queue=help" in target


def test_a_caller_who_hung_up_in_a_vanished_queue_is_just_let_go(
    twilio: Twilio, config_file: Path
) -> None:
    _rename_support(config_file, twilio)
    doc = twilio.twiml(f"/twilio/ivr/queue-result?{OLD}", QueueResult="hangup")
    assert "Enqueue" not in verbs(doc)
