"""The outside probe's first hole: after the API refused a number for the day, the phone line
booked it anyway (as caller ID, as a keyed number) and texted it. One admission now counts
every channel together, and the phone's refusal offers what is still possible."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from callback.types import E164, QueueName, State
from settings import Settings
from tests.webhooks.api.conftest import API_TABLES, APP_SECRET, Api, as_json
from tests.webhooks.twilio.conftest import CALLER, Clock, Twilio, action, dialling, says, verbs
from webhooks.app import create_app
from webhooks.twilio.notify import MemoryNotifier

SUPPORT = QueueName("support")
REFUSED_EN = "Sorry, we cannot arrange a callback to that number just now."
REFUSED_RU = "Извините, сейчас мы не можем заказать обратный звонок на этот номер."
DAY = timedelta(days=1)
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


@dataclass
class Both:
    """One app, spoken to as the app's API client and as Twilio."""

    api: Api
    twilio: Twilio

    def stored(self) -> int:
        """Requests of the probed number that are still open."""
        found = self.twilio.svc.store.active_for(SUPPORT, E164(CALLER))
        return 0 if found is None else 1


@pytest.fixture
def settings(db_url: str, config_file: Path) -> Settings:
    """Each test on SQLite and on PostgreSQL (where handlers run in worker threads)."""
    return Settings(
        _env_file=None, database_url=db_url, config_file=config_file, carrier="simulated"
    )


@pytest.fixture
def both(settings: Settings, config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Both]:
    text = config_file.read_text(encoding="utf-8")
    # Offer a callback whatever the wait, so that the phone's booking paths can be reached.
    text = text.replace('offer_threshold = "2m"', 'offer_threshold = "0s"')
    marker = "# How long personal data"
    config_file.write_text(text.replace(marker, API_TABLES + "\n" + marker), encoding="utf-8")
    monkeypatch.setenv("HOLDLESS_TEST_APP_SECRET", APP_SECRET)
    notifier, clock = MemoryNotifier(), Clock()
    app = create_app(settings, clock=clock, ticker=False, notifier=notifier)
    with TestClient(app) as client:
        yield Both(Api(client), Twilio(client, clock, notifier))


def _api_books(both: Both, stamp: int) -> int:
    body = as_json({"queue": "support", "phone": CALLER})
    return both.api.signed(body, at=stamp).status_code


def _refuse_for_the_day(both: Both) -> None:
    """Three bookings by the app (each cancelled), then the fourth is refused: 429."""
    now = int(both.api.svc.clock().timestamp())
    for n in range(3):
        assert _api_books(both, now - n) == 201
        request = both.twilio.svc.store.active_for(SUPPORT, E164(CALLER))
        assert request is not None
        both.twilio.svc.store.transition(request.id, State.CANCELLED, both.twilio.clock())
    assert _api_books(both, now - 3) == 429


def _to_offer(twilio: Twilio, sid: str, **params: str) -> str:
    twilio.sid = sid
    welcome = twilio.twiml("/twilio/voice", **params)
    reasons = twilio.twiml(action(welcome), Digits="1", **params)
    return action(twilio.twiml(action(reasons), Digits="1", **params))


def _assert_refused_with_a_way_out(doc: ElementTree.Element, said: str) -> None:
    assert said in says(doc)
    assert action(doc).startswith("/twilio/ivr/way-out")
    assert verbs(doc)[-1] == "Enqueue"  # silence: on hold


def test_after_the_api_refused_a_number_the_phone_cannot_book_it(both: Both) -> None:
    _refuse_for_the_day(both)
    twilio = both.twilio
    # As caller ID (which anyone can present), confirmed with 1.
    confirm = twilio.twiml(_to_offer(twilio, "CA" + "1" * 32), Digits="1")
    assert action(confirm).startswith("/twilio/ivr/caller-id")
    refused = twilio.twiml(action(confirm), Digits="1")
    _assert_refused_with_a_way_out(refused, REFUSED_EN)
    # As a number keyed in by a caller whose own caller ID is hidden.
    hidden = {"From": "anonymous"}
    ask = twilio.twiml(_to_offer(twilio, "CA" + "2" * 32, **hidden), Digits="1", **hidden)
    readback = twilio.twiml(action(ask), Digits="02079460456#", **hidden)
    keyed = twilio.twiml(action(readback), Digits="1", **hidden)
    _assert_refused_with_a_way_out(keyed, REFUSED_EN)
    assert both.stored() == 0
    assert twilio.notifier.sent == []  # nothing texted to the number either
    assert both.api.refusals()["rate_limited.number"] == 3


def test_the_refusal_is_spoken_in_the_callers_language_and_holding_still_works(
    both: Both,
) -> None:
    _refuse_for_the_day(both)
    twilio = both.twilio
    twilio.sid = "CA" + "3" * 32
    refused = twilio.twiml("/twilio/ivr/caller-id?queue=support&lang=ru", Digits="1")
    _assert_refused_with_a_way_out(refused, REFUSED_RU)
    held = twilio.twiml(action(refused), Digits="1")
    assert verbs(held)[-1] == "Enqueue"


def test_a_voicemail_for_a_refused_number_is_kept_without_it(both: Both) -> None:
    _refuse_for_the_day(both)
    twilio = both.twilio
    twilio.sid = "CA" + "4" * 32
    recorded = "/twilio/ivr/recorded?queue=support&lang=en"
    assert "Record" not in verbs(twilio.twiml(recorded, RecordingUrl=RECORDING))
    assert both.stored() == 0 and twilio.notifier.sent == []
    [kept] = twilio.svc.voicemails.unhandled(SUPPORT, 10)
    assert kept.recording_url == RECORDING
    # Its transcription goes with the message, not to the number's earlier requests.
    transcription = "/twilio/ivr/transcription?queue=support&lang=en"
    assert twilio.post(transcription, TranscriptionText="call me").status_code == 204
    [kept] = twilio.svc.voicemails.unhandled(SUPPORT, 10)
    assert kept.transcription == "call me"


def test_sms_rebooking_of_a_refused_number_books_and_texts_nothing(both: Both) -> None:
    twilio = both.twilio
    claim = dialling(twilio, "CA" + "5" * 32)
    twilio.svc.store.transition(claim.request.id, State.FAILED, twilio.clock())
    twilio.clock.advance(timedelta(minutes=1))
    _refuse_for_the_day(both)
    response = twilio.post("/twilio/sms", Body="1", MessageSid="SM" + "5" * 32)
    assert response.status_code == 200 and "<Message" not in response.text
    assert both.stored() == 0


def test_phone_bookings_count_against_the_api_too(both: Both) -> None:
    twilio = both.twilio
    for n in range(3):
        confirm = twilio.twiml(_to_offer(twilio, f"CA{n}" + "6" * 31), Digits="1")
        assert "We will call you back" in says(twilio.twiml(action(confirm), Digits="1"))
        request = twilio.svc.store.active_for(SUPPORT, E164(CALLER))
        assert request is not None
        twilio.svc.store.transition(request.id, State.CANCELLED, twilio.clock())
    now = int(both.api.svc.clock().timestamp())
    refused = both.api.signed(as_json({"queue": "support", "phone": CALLER}), at=now)
    assert refused.status_code == 429
    assert refused.json()["error"]["reason"] == "number"


def test_a_phone_booking_writes_in_one_transaction(both: Both) -> None:
    twilio = both.twilio
    confirm = twilio.twiml(_to_offer(twilio, "CA" + "7" * 32), Digits="1")
    serial = itertools.count(1)
    begun: dict[int, int] = {}  # connection -> the transaction it is in
    writing: set[int] = set()  # transactions that wrote

    def began(conn: object) -> None:
        begun[id(conn)] = next(serial)

    def seen(conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writing.add(begun[id(conn)])

    engine = twilio.svc.store.engine
    event.listen(engine, "begin", began)
    event.listen(engine, "before_cursor_execute", seen)
    done = twilio.twiml(action(confirm), Digits="1")
    assert "We will call you back" in says(done)
    # The limits, the request, its promise and the call leaving hold (three writes before).
    assert len(writing) == 1
    assert len(twilio.notifier.sent) == 1


def test_a_burst_from_both_channels_at_once_admits_the_day_limit_exactly(both: Both) -> None:
    # Six callers presenting the number and six app requests for it, all at the same moment.
    stamp = int(both.api.svc.clock().timestamp())
    caller_id = "/twilio/ivr/caller-id?queue=support&lang=en"

    def phone(n: int) -> bool:
        sent = both.twilio.post(caller_id, Digits="1", CallSid=f"CA{n:032x}")
        assert sent.status_code == 200
        return "We will call you back" in sent.text

    def app(n: int) -> bool:
        status = _api_books(both, stamp - n)  # a new timestamp each: not a replay
        assert status in (200, 201, 429)
        return status != 429

    with ThreadPoolExecutor(max_workers=12) as pool:
        phoned = [pool.submit(phone, n) for n in range(6)]
        typed = [pool.submit(app, n) for n in range(6)]
        admitted = [f.result() for f in phoned] + [f.result() for f in typed]
    assert sum(admitted) == 3  # one request, merged twice: the number's three a day
    now = both.twilio.clock()
    assert both.api.state.abuse.count("number", CALLER, now - DAY, now + DAY) == 3
    assert both.stored() == 1
