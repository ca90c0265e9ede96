"""Per-customer eligibility: due, calling window, queue accepting, not expired."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callback.calling_window import CallingWindow
from callback.dispatch.eligibility import (
    MAX_STEPS,
    Eligibility,
    Eligible,
    Expired,
    NotBefore,
    Wait,
    eligible,
)
from callback.hours import Schedule
from callback.request import CallbackRequest
from callback.types import State
from tests.callback.dispatch.builders import EVERY_DAY, always, hours, policy, request, utc

DAYTIME = CallingWindow(time(8), time(21))
LONDON_TZ = ZoneInfo("Europe/London")
LONDON = "+442079460000"  # Ofcom drama range
NEW_YORK = "+12125550100"  # NANPA fictional 555-01xx
SYDNEY = "+61298765432"
NEVADA = "+17752345678"  # area code 775: Pacific, and Mountain in the north-east
# Monday 2026-03-02: London on GMT, New York on EST (UTC-5), Sydney on AEDT (UTC+11).
OFFICE = hours("Europe/London", time(9), time(17))
NOON = utc(2026, 3, 2, 12)


def check(
    req: CallbackRequest,
    now: datetime,
    schedule: Schedule = OFFICE,
    window: CallingWindow = DAYTIME,
    due: datetime | None = None,
    **rules: Any,
) -> Eligibility:
    rules = {"cutoff_before_closing": timedelta(minutes=10)} | rules
    return eligible(
        req,
        now,
        window=window,
        fallback_zone=LONDON_TZ,
        schedule=schedule,
        policy=policy(**rules),
        due=due,
    )


def test_a_due_request_in_hours_and_in_its_window_is_eligible() -> None:
    assert check(request(LONDON, NOON - timedelta(hours=1)), NOON) == Eligible()


def test_a_scheduled_request_waits_for_its_slot() -> None:
    slot = (utc(2026, 3, 2, 13), utc(2026, 3, 2, 13, 30))
    req = request(LONDON, NOON, slot=slot, state=State.SCHEDULED)
    assert check(req, NOON) == NotBefore(slot[0], Wait.NOT_DUE)
    assert check(req, slot[0]) == Eligible()


def test_a_slot_already_past_is_dialled_late_rather_than_never() -> None:
    slot = (utc(2026, 3, 2, 10), utc(2026, 3, 2, 10, 30))
    req = request(LONDON, utc(2026, 3, 2, 9), slot=slot, state=State.SCHEDULED)
    assert check(req, NOON) == Eligible()


def test_a_retry_waits_for_its_stored_due_time() -> None:
    due = NOON + timedelta(minutes=15)
    assert check(request(LONDON, NOON), NOON, due=due) == NotBefore(due, Wait.NOT_DUE)


def test_a_closed_queue_defers_to_its_next_opening() -> None:
    now = utc(2026, 3, 2, 18)
    assert check(request(LONDON, now), now) == NotBefore(utc(2026, 3, 3, 9), Wait.CLOSED)


def test_the_cutoff_defers_to_the_next_opening() -> None:
    now = utc(2026, 3, 2, 16, 50)
    assert check(request(LONDON, now), now) == NotBefore(utc(2026, 3, 3, 9), Wait.CUTOFF)
    before = now - timedelta(microseconds=1)
    assert check(request(LONDON, before), before) == Eligible()


def test_the_callees_window_defers_to_its_opening() -> None:
    # 12:00 UTC is 07:00 in New York; the window opens at 08:00 EST, 13:00 UTC.
    req = request(NEW_YORK, NOON)
    assert check(req, NOON) == NotBefore(utc(2026, 3, 2, 13), Wait.CALLING_WINDOW)


def test_the_first_rule_failing_now_is_the_reason() -> None:
    # Closed and outside the window, and not yet due: not due is reported first.
    now, due = utc(2026, 3, 2, 6), utc(2026, 3, 2, 6, 30)
    assert check(request(NEW_YORK, now), now, due=due) == NotBefore(
        utc(2026, 3, 2, 13), Wait.NOT_DUE
    )
    assert check(request(NEW_YORK, now), now) == NotBefore(utc(2026, 3, 2, 13), Wait.CLOSED)


def test_window_and_hours_alternate_until_both_hold() -> None:
    # Sydney (UTC+11) 08:00-21:00 is 21:00-10:00 UTC; London hours are 09:00-17:00 UTC:
    # they meet only 09:00-10:00 UTC. At 10:30 the window is shut; it reopens at 21:00
    # UTC when the queue is closed; the queue opens at 09:00, which the window allows.
    now = utc(2026, 3, 2, 10, 30)
    result = check(request(SYDNEY, now), now)
    assert result == NotBefore(utc(2026, 3, 3, 9), Wait.CALLING_WINDOW)


def test_a_number_in_two_zones_waits_for_both() -> None:
    # 08:00 Mountain (15:00 UTC) is 07:00 Pacific: the window opens at 16:00 UTC.
    now = utc(2026, 3, 2, 15)
    result = check(request(NEVADA, now), now, schedule=always())
    assert result == NotBefore(utc(2026, 3, 2, 16), Wait.CALLING_WINDOW)


def test_a_request_past_its_expiry_has_expired() -> None:
    created = NOON - timedelta(hours=24)
    assert check(request(LONDON, created), NOON) == Expired(NOON)
    assert check(request(LONDON, created), NOON, expiry=timedelta(hours=25)) == Eligible()


def test_a_request_that_cannot_be_dialled_before_its_expiry_expires() -> None:
    now = utc(2026, 3, 2, 18)
    created = utc(2026, 3, 2, 8)
    assert check(request(LONDON, created), now) == Expired(utc(2026, 3, 3, 8))
    # The queue opens exactly when it expires: still too late.
    created = utc(2026, 3, 2, 9)
    assert check(request(LONDON, created), now) == Expired(utc(2026, 3, 3, 9))


def test_a_window_that_never_meets_the_hours_expires() -> None:
    night = hours("Europe/London", time(1), time(4), EVERY_DAY)
    now = utc(2026, 3, 2, 12)
    assert check(request(LONDON, now), now, schedule=night) == Expired(utc(2026, 3, 3, 12))


def test_the_search_is_bounded_and_then_gives_a_lower_bound() -> None:
    night = hours("Europe/London", time(1), time(4), EVERY_DAY)
    now = utc(2026, 3, 2, 12)
    result = check(request(LONDON, now), now, schedule=night, expiry=timedelta(days=400))
    assert isinstance(result, NotBefore)
    # Each round moves past one night; the answer is no earlier than the rounds reached.
    assert result.at >= now + timedelta(days=MAX_STEPS - 1)
    assert check(request(LONDON, now), result.at, schedule=night) != Eligible()


def test_only_a_pending_request_can_be_judged() -> None:
    with pytest.raises(ValueError, match="dialing request"):
        check(request(LONDON, NOON, state=State.DIALING), NOON)


def test_now_in_any_zone_gives_the_same_answer_in_utc() -> None:
    local = NOON.astimezone(ZoneInfo("America/New_York"))
    assert check(request(NEW_YORK, NOON), local) == NotBefore(
        utc(2026, 3, 2, 13), Wait.CALLING_WINDOW
    )
