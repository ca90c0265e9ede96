"""The line's use case on each backend: a newcomer is quoted what the booking then promises,
even where callbacks often go unanswered; a caller on hold is quoted without that risk."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from callback.config import SupervisorConfig, load_config
from callback.forecast import Measured
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.service.admission import Applicant
from callback.service.booking import Ask, Booked, Bookings
from callback.service.line import Line
from callback.store.abuse import AbuseStore
from callback.store.booking import BookingStore
from callback.store.calls import CallStore
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldState
from callback.store.queue import QueueStore
from callback.types import Channel
from tests.callback.config.test_loader import EXAMPLE
from tests.callback.service.test_booking import SUPPORT, NoPresence, Texts, _number
from tests.webhooks.conftest import MONDAY_10

MINUTE = timedelta(minutes=1)


class OftenUnanswered:
    """A queue where one callback dial in three found nobody: the retry is part of the wait."""

    def get(self, queue: object, now: datetime) -> Measured:
        return Measured(attempts=30, mean_handle=timedelta(minutes=4), unanswered=10, dials=30)


class NoReturns:
    """No callback waits out a backoff."""

    def get(self, queue: object, now: datetime) -> tuple[datetime, ...]:
        return ()


@pytest.fixture
def config() -> SupervisorConfig:
    """The example config."""
    return load_config(EXAMPLE)


@pytest.fixture
def line(engine: Engine) -> Line:
    """The line's reads on a fresh database."""
    store = QueueStore(engine)
    return Line(store, CallStore(engine), OftenUnanswered(), NoPresence(), NoReturns())


def _hold(engine: Engine, sid: str, start: datetime) -> None:
    joining = Joining(sid, SUPPORT, "QU" + "4" * 32, "en", 0, start)
    HeldStore(engine).join(joining, start)


def _book(engine: Engine, config: SupervisorConfig, number: str, now: datetime) -> Booked:
    bookings = Bookings(BookingStore(AbuseStore(engine)), OftenUnanswered(), Texts(), NoPresence())
    incoming = Incoming(ContextEntry(Channel.WEB, now, {}), virtual_start=now)
    done = bookings.book(config, Ask(Applicant(SUPPORT, _number(config, number)), incoming), now)
    assert isinstance(done, Booked)
    return done


def test_the_newcomer_is_promised_what_they_were_quoted(
    engine: Engine, line: Line, config: SupervisorConfig
) -> None:
    _hold(engine, "CA-one", MONDAY_10)
    _book(engine, config, "+442079460481", MONDAY_10 + MINUTE)
    _hold(engine, "CA-two", MONDAY_10 + 2 * MINUTE)
    now = MONDAY_10 + 3 * MINUTE
    quoted = line.forecast(config, SUPPORT, now).estimate
    place = line.newcomer(SUPPORT, now, priority=config.queues[SUPPORT].priority)
    booked = _book(engine, config, "+442079460482", now)
    assert booked.position is not None and place.number == booked.position.number == 4
    assert booked.estimate == quoted
    assert line.estimate(config, SUPPORT, booked.position, now, booked.request.id) == quoted
    assert line.estimate(config, SUPPORT, None, now) is None


def test_a_caller_on_hold_is_quoted_without_the_callback_s_retry(
    engine: Engine, line: Line, config: SupervisorConfig
) -> None:
    _hold(engine, "CA-one", MONDAY_10)
    caller = HeldStore(engine).by_sid("CA-one")
    assert caller is not None
    standing = line.held(config, caller, MONDAY_10)
    assert standing is not None and standing.position.number == 1
    on_hold = standing.forecast.estimate
    as_callback = line.outlook(config, SUPPORT, standing.position, MONDAY_10).estimate
    assert on_hold is not None and as_callback is not None
    assert on_hold.wait < as_callback.wait  # a callback may not answer: its wait is longer
    # The whole line's view (the supervisor's) is a caller's on hold, without the retry.
    assert line.forecast(config, SUPPORT, MONDAY_10, 0, on_hold=0).estimate == on_hold
    assert HeldStore(engine).finish_holding(caller, HeldState.LEFT, MONDAY_10) is not None
    gone = HeldStore(engine).by_sid("CA-one")
    assert gone is not None and line.held(config, gone, MONDAY_10) is None
