"""Issue 11: a later attempt is settled against the retry window of the first, however it ends.

The carrier refusing the dial (a 4xx), the status callback and the lease sweep all end an
attempt through one use case, so none of them may place a retry later than `retry_window`
after the request's first attempt (the example's support queue: 4 hours, backoff 5 and
15 minutes, three attempts).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callback.carrier import TelephonyError
from callback.store.calls import FINAL_RANK
from callback.store.tables import ATTEMPT, REQUEST
from callback.types import RequestId, State
from tests.scheduler.test_dispatcher import MONDAY_10, World, make_world

WINDOW = timedelta(hours=4)
"""The support queue's retry window in the example config."""
REFUSED = TelephonyError("HTTP 400: invalid To", retryable=False, ambiguous=False, status=400)
GAPS = (timedelta(minutes=10), timedelta(hours=2), timedelta(hours=3, minutes=50))
"""When the second attempt is made, after the first; after 3 h 50 min its 15-minute backoff
would end past the window."""


def _sid(n: int) -> str:
    return f"CA{n:032d}"


def _due(world: World, request: RequestId) -> tuple[State, datetime | None]:
    query = select(REQUEST.c.state, REQUEST.c.due_at).where(REQUEST.c.id == request)
    with world.store.engine.connect() as connection:
        state, due_at = connection.execute(query).one()
    return State(state), due_at


def _outcomes(world: World) -> list[str | None]:
    query = select(ATTEMPT.c.outcome).order_by(ATTEMPT.c.id)
    with world.store.engine.connect() as connection:
        return list(connection.execute(query).scalars())


def _missed_once(world: World) -> RequestId:
    """The first attempt at 10:00 rings out: the customer is due again at 10:06."""
    request = world.wait()
    world.on_duty("alice")
    world.dispatcher.dispatch(MONDAY_10)
    config = world.dispatcher.config.current
    settled = world.dispatcher.settler.settle_call(
        config, _sid(1), "no-answer", MONDAY_10 + timedelta(minutes=1)
    )
    assert settled is not None and settled.state is State.WAITING
    return request


def _expected(gap: timedelta) -> State:
    return State.WAITING if gap + timedelta(minutes=15) <= WINDOW else State.FAILED


@pytest.fixture
def world(sqlite_url: str, tmp_path: Path) -> World:
    return make_world(sqlite_url, tmp_path)


@pytest.mark.parametrize("gap", GAPS)
def test_a_refused_dial_on_a_later_attempt_is_never_retried_past_the_first_attempts_window(
    world: World, gap: timedelta
) -> None:
    request = _missed_once(world)
    world.phone.error = REFUSED
    world.dispatcher.dispatch(MONDAY_10 + gap)
    state, due_at = _due(world, request)
    assert state is _expected(gap)
    assert state is State.FAILED or (due_at is not None and due_at <= MONDAY_10 + WINDOW)
    assert _outcomes(world) == ["no_answer", "carrier_refused"]
    assert len(world.phone.placed) == 1  # the refused dial rang nobody


@pytest.mark.parametrize("via", ["status callback", "lease sweep"])
@pytest.mark.parametrize("gap", GAPS)
def test_a_later_call_that_rang_out_is_settled_the_same_way_by_the_status_route_and_the_sweep(
    world: World, gap: timedelta, via: str
) -> None:
    request = _missed_once(world)
    world.dispatcher.dispatch(MONDAY_10 + gap)  # the second call goes out
    ended = MONDAY_10 + gap + timedelta(seconds=40)
    assert world.calls.advance(_sid(2), "busy", FINAL_RANK, ended)
    if via == "status callback":  # what `POST /twilio/status` calls on a final status
        config = world.dispatcher.config.current
        world.dispatcher.settler.settle_call(config, _sid(2), "busy", ended)
    else:  # the end was recorded before the CallSid was attached: the sweep settles it
        world.dispatcher.sweep(ended)
    state, due_at = _due(world, request)
    assert state is _expected(gap)
    assert state is State.FAILED or (due_at is not None and due_at <= MONDAY_10 + WINDOW)
    assert _outcomes(world) == ["no_answer", "busy"]
