"""The booking use case on its own (no web framework): one admission, one transaction, one
`Booked`, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, event

from callback.config import SupervisorConfig, load_config
from callback.forecast import Measured
from callback.inputs import Staffed
from callback.merge import Incoming
from callback.numbers import AcceptedNumber, check_number
from callback.request import ContextEntry
from callback.service.admission import Applicant, Refusal, Refused
from callback.service.booking import Ask, Booked, Bookings
from callback.service.ports import SmsAbout
from callback.store.abuse import AbuseStore
from callback.store.booking import BookingStore
from callback.store.calls import CallStore
from callback.store.queue import QueueStore
from callback.store.tokens import TokenStore
from callback.types import E164, Channel, QueueName, State
from tests.callback.config.test_loader import EXAMPLE
from tests.webhooks.conftest import MONDAY_10

SUPPORT, SALES = QueueName("support"), QueueName("sales")
NUMBER = "+442079460456"
DAY = timedelta(days=1)


class NoHistory:
    """Measured figures of a service that has served nobody yet."""

    def get(self, queue: QueueName, now: datetime) -> Measured:
        return Measured()


class NoPresence:
    """Nobody of the queue reports presence: the staffing plan decides."""

    def get(self, config: SupervisorConfig, queue: QueueName, now: datetime) -> Staffed | None:
        return None


@dataclass
class Texts:
    """The notifier: keeps what it is asked to send."""

    sent: list[tuple[E164, str]] = field(default_factory=list)

    def send(self, to: E164, body: str, about: SmsAbout | None = None) -> None:
        self.sent.append((to, body))


@dataclass
class Desk:
    """The use case on a fresh database, with the example config."""

    bookings: Bookings
    abuse: AbuseStore
    store: QueueStore
    calls: CallStore
    texts: Texts
    config: SupervisorConfig


@pytest.fixture
def desk(engine: Engine) -> Desk:
    abuse, texts = AbuseStore(engine), Texts()
    bookings = Bookings(BookingStore(abuse), NoHistory(), texts, NoPresence())
    config = load_config(EXAMPLE)
    return Desk(bookings, abuse, QueueStore(engine), CallStore(engine), texts, config)


def _number(config: SupervisorConfig, raw: str = NUMBER) -> AcceptedNumber:
    checked = check_number(raw, "GB", config.number_policy())
    assert isinstance(checked, AcceptedNumber)
    return checked


def _ask(
    desk: Desk, queue: QueueName = SUPPORT, *, promise: bool = True, counted: bool = False
) -> Ask:
    incoming = Incoming(ContextEntry(Channel.IVR, MONDAY_10, {}), virtual_start=MONDAY_10)
    applicant = Applicant(queue, _number(desk.config))
    return Ask(applicant, incoming, promise=promise, counted=counted)


def _book(desk: Desk, ask: Ask, at: datetime = MONDAY_10) -> Booked | Refused:
    return desk.bookings.book(desk.config, ask, at, lambda booked: f"number {booked.position}")


def test_a_booking_is_stored_promised_and_confirmed_in_one_write(
    desk: Desk, engine: Engine
) -> None:
    begun: list[object] = []
    event.listen(engine, "begin", begun.append)
    done = _book(desk, _ask(desk))
    assert len(begun) == 1  # the limits, the request and its promise together
    assert isinstance(done, Booked) and not done.merged and done.may_text
    assert done.position is not None and done.position.number == 1
    assert done.estimate is not None and done.request.promise is not None
    stored = desk.store.get(done.request.id)
    assert stored is not None and stored.promise == done.request.promise
    assert desk.texts.sent == [(E164(NUMBER), f"number {done.position}")]
    assert desk.abuse.count("number", NUMBER, MONDAY_10 - DAY, MONDAY_10 + DAY) == 1


def test_the_fourth_booking_of_a_day_is_refused_and_stores_nothing(desk: Desk) -> None:
    for minute in range(3):
        done = _book(desk, _ask(desk), MONDAY_10 + timedelta(minutes=minute))
        assert isinstance(done, Booked)
        desk.store.transition(done.request.id, State.CANCELLED, MONDAY_10 + timedelta(minutes=3))
    refused = _book(desk, _ask(desk), MONDAY_10 + timedelta(minutes=5))
    assert refused == Refused(Refusal.LIMIT, "number", timedelta(hours=23, minutes=55))
    assert refused.tally == "rate_limited.number"
    assert desk.store.active_for(SUPPORT, E164(NUMBER)) is None
    assert len(desk.texts.sent) == 3


def test_a_number_waiting_in_another_queue_is_refused_even_when_counted_before(
    desk: Desk,
) -> None:
    assert isinstance(_book(desk, _ask(desk, SALES)), Booked)
    assert _book(desk, _ask(desk, counted=True)) == Refused(Refusal.NUMBER_ACTIVE)
    # Counted before (held for verification): the windows are not counted twice.
    assert desk.abuse.count("number", NUMBER, MONDAY_10 - DAY, MONDAY_10 + DAY) == 1


def test_a_number_that_replied_stop_is_booked_but_never_texted(desk: Desk) -> None:
    desk.calls.suppress(E164(NUMBER), MONDAY_10)
    done = _book(desk, _ask(desk))
    assert isinstance(done, Booked) and not done.may_text
    assert desk.texts.sent == []
    # Its number cannot be verified by SMS either.
    applicant = Applicant(SALES, _number(desk.config))
    assert desk.bookings.admit(desk.config, applicant, MONDAY_10) == Refused(Refusal.SUPPRESSED)


def test_a_voicemail_is_booked_without_a_promise(desk: Desk) -> None:
    done = _book(desk, _ask(desk, promise=False))
    assert isinstance(done, Booked)
    assert done.estimate is None and done.request.promise is None


def test_a_surge_pauses_bookings_from_every_channel(desk: Desk) -> None:
    incoming = Incoming(ContextEntry(Channel.API, MONDAY_10, {}), virtual_start=MONDAY_10)
    outcomes = [
        _book(
            desk, Ask(Applicant(SUPPORT, _number(desk.config, f"+44207946{n + 100:04d}")), incoming)
        )
        for n in range(22)
    ]
    # The example's breaker: more than 20 in 15 minutes, against an empty day before.
    assert [isinstance(done, Booked) for done in outcomes] == [True] * 20 + [False] * 2
    refused = _book(desk, _ask(desk))  # a phone caller now: the same breaker
    assert isinstance(refused, Refused) and refused.refusal is Refusal.SURGE
    assert refused.tally == "service_paused"
    assert desk.store.active_for(SUPPORT, E164(NUMBER)) is None


def test_the_status_token_is_stored_in_the_booking_write(desk: Desk, engine: Engine) -> None:
    begun: list[object] = []
    event.listen(engine, "begin", begun.append)
    asked = dataclasses.replace(_ask(desk), status_token="a" * 64)
    done = _book(desk, asked)
    assert len(begun) == 1  # the limits, the request, its promise and its status link
    assert isinstance(done, Booked)
    assert TokenStore(engine).request_for("a" * 64) == done.request.id


def test_a_refused_booking_stores_no_status_token(desk: Desk, engine: Engine) -> None:
    for minute in range(3):
        assert isinstance(_book(desk, _ask(desk), MONDAY_10 + timedelta(minutes=minute)), Booked)
    asked = dataclasses.replace(_ask(desk), status_token="b" * 64)
    assert isinstance(_book(desk, asked, MONDAY_10 + timedelta(minutes=5)), Refused)
    assert TokenStore(engine).request_for("b" * 64) is None


def test_the_booking_places_the_request_from_its_own_write(desk: Desk, engine: Engine) -> None:
    statements: list[str] = []

    def seen(*executed: object) -> None:
        statements.append(" ".join(str(executed[2]).split()))

    event.listen(engine, "before_cursor_execute", seen)
    later = MONDAY_10 + timedelta(minutes=1)
    first, merged = _book(desk, _ask(desk)), _book(desk, _ask(desk), later)
    assert isinstance(first, Booked) and isinstance(merged, Booked) and merged.merged
    # The row the insert (or the merge's update) returned is placed: nothing reads it again.
    read_back = re.compile(r"SELECT callback_request\.id, .* WHERE callback_request\.id = \S+$")
    assert not [s for s in statements if read_back.fullmatch(s)]
    assert merged.position == desk.store.position(merged.request.id, later)
    assert first.position is not None and first.position.number == 1


def test_a_number_waiting_in_another_queue_is_refused_and_not_counted(desk: Desk) -> None:
    assert isinstance(_book(desk, _ask(desk, SALES)), Booked)
    later = MONDAY_10 + timedelta(minutes=1)
    assert _book(desk, _ask(desk), later) == Refused(Refusal.NUMBER_ACTIVE)
    # Refused before any window counted it: only the first booking is in the number's window.
    assert desk.abuse.count("number", NUMBER, MONDAY_10 - DAY, MONDAY_10 + DAY) == 1
    assert desk.store.active_for(SUPPORT, E164(NUMBER)) is None


def test_a_booking_counted_before_is_booked_without_counting_it_again(desk: Desk) -> None:
    done = _book(desk, _ask(desk, counted=True))
    assert isinstance(done, Booked) and done.position is not None
    assert desk.abuse.count("number", NUMBER, MONDAY_10 - DAY, MONDAY_10 + DAY) == 0
