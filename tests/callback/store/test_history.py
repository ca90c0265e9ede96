"""History for the simulation: the records of a window, and the profile built from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from callback.simulate.arrivals import Kind
from callback.simulate.history import covered_days, profile
from callback.store.engine import write_transaction
from callback.store.history import read_history
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER, REQUEST
from tests.callback.simulate.cells import QUEUE, config

DAY = datetime(2026, 3, 2, tzinfo=UTC)  # GMT: London hours are UTC hours


def _at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


def _held(n: int, hour: float, state: str, wait_s: float) -> dict[str, Any]:
    joined = _at(hour)
    return {
        "call_sid": f"CA{n:032}",
        "queue": QUEUE,
        "queue_sid": "QU1",
        "language": "en",
        "priority": 0,
        "virtual_start": joined,
        "state": state,
        "fence": 1,
        "joined_at": joined,
        "updated_at": joined,
        "ended_at": joined + timedelta(seconds=wait_s),
    }


def request_row(n: int, hour: float, channel: str) -> dict[str, Any]:
    """A finished callback request of queue `line` made `hour` hours into DAY."""
    made = _at(hour)
    return {
        "id": n,
        "queue": QUEUE,
        "number": f"+4420794600{n:02}",
        "channel": channel,
        "state": "completed",
        "language": "en",
        "priority": 0,
        "virtual_start": made,
        "due_at": made,
        "attempts": 1,
        "contexts": [],
        "entered_line_at": made,
        "fence": 1,
        "created_at": made,
        "updated_at": made,
    }


def _dial(request: int, hour: float, outcome: str, seconds: float) -> dict[str, Any]:
    claimed = _at(hour)
    return {
        "request_id": request,
        "fence": round(hour * 10),
        "queue": QUEUE,
        "number": "+442079460001",
        "claimed_at": claimed,
        "lease_until": claimed,
        "ended_at": claimed + timedelta(seconds=seconds),
        "outcome": outcome,
    }


def _fill(engine: Engine) -> None:
    held = [_held(1, 9.1, "served", 60), _held(2, 9.5, "abandoned", 120)]
    held += [_held(3, 9.7, "left", 20), _held(4, 10.2, "served", 20), _held(5, 30.0, "served", 5)]
    requests = [
        request_row(1, 9.7, "ivr"),
        request_row(2, 10.5, "web"),
        request_row(3, 10.6, "web"),
    ]
    booked = request_row(4, 10.7, "app") | {"slot_start": _at(12), "slot_end": _at(12.5)}
    dials = [_dial(1, 9.8, "connected", 400), _dial(2, 10.6, "no_answer", 30)]
    dials += [_dial(2, 10.8, "machine", 10), _dial(3, 10.9, "connected", 200)]
    with write_transaction(engine) as connection:
        connection.execute(insert(HELD_CALL), held)
        connection.execute(insert(REQUEST), requests)
        connection.execute(insert(REQUEST), [booked])  # its own keys: a slot
        connection.execute(insert(ATTEMPT), dials)
        offer = {"held_id": 1, "fence": 1, "queue": QUEUE, "agent_id": "ann"}
        offer |= {"claimed_at": _at(9.2), "lease_until": _at(9.2), "ended_at": _at(9.3)}
        connection.execute(insert(HELD_OFFER), [offer | {"outcome": "connected"}])


def test_the_window_holds_what_began_in_it_and_the_profile_counts_it(engine: Engine) -> None:
    _fill(engine)
    history = read_history(engine, DAY, DAY + timedelta(days=1))
    assert len(history.held) == 4  # the one the next day is outside the window
    assert len(history.requested) == 4 and len(history.occupied) == 5
    assert covered_days(history, DAY + timedelta(days=1), 28) == 1  # from 09:06, not 28 days
    assert covered_days(history, DAY + timedelta(days=3), 2) == 2
    rows = profile(history, config(5), days=14, until=DAY + timedelta(days=1))
    nine, ten_phone, ten_web, ten_slot = rows
    # Two Mondays in the fortnight: three phone contacts at 09:00 are 1.5 a Monday.
    assert (nine.start.hour, nine.channel, nine.offered, nine.day) == (9, Kind.PHONE, 1.5, "monday")
    assert nine.callback_share == 1 / 3  # two held, one asked from the menu (the "left" one)
    assert nine.handle_s == (400 + 200 + 360) / 3  # connected dials and the hold offer
    assert nine.patience_s == (60 + 120 + 20 + 20) / 1
    assert (nine.no_answer, nine.machine) == (0.25, 0.25)
    assert (ten_phone.channel, ten_phone.offered) == (Kind.PHONE, 0.5)
    assert (ten_web.channel, ten_web.offered, ten_web.patience_s) == (Kind.WEB, 1.0, None)
    assert (ten_slot.channel, ten_slot.offered, ten_slot.no_answer) == (Kind.SLOT, 0.5, 0.25)


def test_an_empty_history_gives_an_empty_profile_and_the_prior(engine: Engine) -> None:
    history = read_history(engine, DAY, DAY + timedelta(days=1))
    assert profile(history, config(5), days=1, until=DAY) == ()
    assert covered_days(history, DAY, 28) == 28
