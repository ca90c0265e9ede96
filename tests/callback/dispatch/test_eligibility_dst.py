"""Calling windows and business hours across clock changes, in several zones.

Clock changes from the tz database (IANA): UK 2025-03-30 and 2025-10-26 at 01:00 UTC;
US 2025-03-09 and 2025-11-02 at 02:00 local; New South Wales 2025-04-06 at 03:00 local
(AEDT, UTC+11, back to AEST, UTC+10) and 2025-10-05 at 02:00 local (forward); Japan keeps
UTC+9 all year.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callback.calling_window import CallingWindow
from callback.dispatch.eligibility import (
    Eligibility,
    Eligible,
    Expired,
    NotBefore,
    Wait,
    eligible,
)
from callback.hours import Schedule
from tests.callback.dispatch.builders import EVERY_DAY, always, hours, policy, request, utc

DAYTIME = CallingWindow(time(8), time(21))
EARLY = CallingWindow(time(1, 30), time(21))
LONDON = "+442079460000"
NEW_YORK = "+12125550100"
NEVADA = "+17752345678"  # Pacific and Mountain
SYDNEY = "+61298765432"
TOKYO = "+81312345678"


def check(
    number: str,
    now: datetime,
    schedule: Schedule | None = None,
    window: CallingWindow = DAYTIME,
    cutoff: timedelta = timedelta(0),
    expiry: timedelta = timedelta(hours=24),
) -> Eligibility:
    return eligible(
        request(number, now),
        now,
        window=window,
        fallback_zone=ZoneInfo("Europe/London"),
        schedule=schedule or always(),
        policy=policy(cutoff_before_closing=cutoff, expiry=expiry),
    )


WINDOW = Wait.CALLING_WINDOW

CALLING_WINDOW_CASES = [
    # London, spring forward: 08:00 is 08:00 UTC on GMT, 07:00 UTC on BST.
    (LONDON, DAYTIME, utc(2025, 3, 29, 7, 30), NotBefore(utc(2025, 3, 29, 8), WINDOW)),
    (LONDON, DAYTIME, utc(2025, 3, 30, 6, 30), NotBefore(utc(2025, 3, 30, 7), WINDOW)),
    (LONDON, DAYTIME, utc(2025, 3, 29, 20, 59), Eligible()),
    (LONDON, DAYTIME, utc(2025, 3, 30, 20), NotBefore(utc(2025, 3, 31, 7), WINDOW)),
    # A window opening at 01:30, inside the skipped hour, opens when the clocks jump.
    (LONDON, EARLY, utc(2025, 3, 30, 0, 30), NotBefore(utc(2025, 3, 30, 1), WINDOW)),
    # London, fall back: 01:30 BST is 00:30 UTC; the repeated 01:00-01:30 GMT is outside.
    (LONDON, DAYTIME, utc(2025, 10, 25, 7, 30), Eligible()),
    (LONDON, DAYTIME, utc(2025, 10, 26, 7, 30), NotBefore(utc(2025, 10, 26, 8), WINDOW)),
    (LONDON, EARLY, utc(2025, 10, 26, 0), NotBefore(utc(2025, 10, 26, 0, 30), WINDOW)),
    (LONDON, EARLY, utc(2025, 10, 26, 0, 45), Eligible()),
    (LONDON, EARLY, utc(2025, 10, 26, 1, 10), NotBefore(utc(2025, 10, 26, 1, 30), WINDOW)),
    # New York: 08:00 is 13:00 UTC on EST, 12:00 UTC on EDT.
    (NEW_YORK, DAYTIME, utc(2025, 3, 8, 12, 30), NotBefore(utc(2025, 3, 8, 13), WINDOW)),
    (NEW_YORK, DAYTIME, utc(2025, 3, 9, 11, 59), NotBefore(utc(2025, 3, 9, 12), WINDOW)),
    (NEW_YORK, DAYTIME, utc(2025, 11, 1, 12, 30), Eligible()),
    (NEW_YORK, DAYTIME, utc(2025, 11, 2, 12, 30), NotBefore(utc(2025, 11, 2, 13), WINDOW)),
    # Nevada rings on Pacific and Mountain time: 08:00 Pacific to 21:00 Mountain.
    (NEVADA, DAYTIME, utc(2025, 3, 8, 15, 30), NotBefore(utc(2025, 3, 8, 16), WINDOW)),
    (NEVADA, DAYTIME, utc(2025, 3, 9, 14, 30), NotBefore(utc(2025, 3, 9, 15), WINDOW)),
    (NEVADA, DAYTIME, utc(2025, 3, 10, 2, 59), Eligible()),
    (NEVADA, DAYTIME, utc(2025, 3, 10, 3), NotBefore(utc(2025, 3, 10, 15), WINDOW)),
    (NEVADA, DAYTIME, utc(2025, 11, 2, 3, 30), NotBefore(utc(2025, 11, 2, 16), WINDOW)),
    # Sydney: 08:00 is 21:00 UTC the day before on AEDT, 22:00 UTC on AEST.
    (SYDNEY, DAYTIME, utc(2025, 4, 4, 20, 30), NotBefore(utc(2025, 4, 4, 21), WINDOW)),
    (SYDNEY, DAYTIME, utc(2025, 4, 5, 21, 30), NotBefore(utc(2025, 4, 5, 22), WINDOW)),
    (SYDNEY, DAYTIME, utc(2025, 10, 3, 21, 30), NotBefore(utc(2025, 10, 3, 22), WINDOW)),
    (SYDNEY, DAYTIME, utc(2025, 10, 4, 21, 30), Eligible()),
    # Tokyo has no clock changes: 08:00 is 23:00 UTC the day before, all year.
    (TOKYO, DAYTIME, utc(2025, 3, 30, 22, 59), NotBefore(utc(2025, 3, 30, 23), WINDOW)),
    (TOKYO, DAYTIME, utc(2025, 10, 25, 22, 59), NotBefore(utc(2025, 10, 25, 23), WINDOW)),
    (TOKYO, DAYTIME, utc(2025, 4, 5, 23), Eligible()),
]


@pytest.mark.parametrize(("number", "window", "now", "expected"), CALLING_WINDOW_CASES)
def test_the_calling_window_follows_the_callees_clock(
    number: str, window: CallingWindow, now: datetime, expected: Eligibility
) -> None:
    assert check(number, now, window=window) == expected


NY_OFFICE = hours("America/New_York", time(9), time(17))
LONDON_OFFICE = hours("Europe/London", time(9), time(17))
SYDNEY_NIGHT = hours("Australia/Sydney", time(1), time(4), EVERY_DAY)
SYDNEY_IN_GAP = hours("Australia/Sydney", time(2, 30), time(4), EVERY_DAY)
TEN = timedelta(minutes=10)
FOUR_DAYS = timedelta(days=4)

BUSINESS_HOURS_CASES = [
    # New York 09:00-17:00 weekdays: Friday on EST, Monday after the change on EDT.
    (NEW_YORK, NY_OFFICE, utc(2025, 3, 7, 21, 49), Eligible()),
    (NEW_YORK, NY_OFFICE, utc(2025, 3, 7, 21, 50), NotBefore(utc(2025, 3, 10, 13), Wait.CUTOFF)),
    (NEW_YORK, NY_OFFICE, utc(2025, 3, 10, 20, 49), Eligible()),
    (NEW_YORK, NY_OFFICE, utc(2025, 3, 10, 20, 50), NotBefore(utc(2025, 3, 11, 13), Wait.CUTOFF)),
    (NEW_YORK, NY_OFFICE, utc(2025, 10, 31, 21), NotBefore(utc(2025, 11, 3, 14), Wait.CLOSED)),
    # London 09:00-17:00 weekdays: Friday on BST, Monday after the change on GMT.
    (LONDON, LONDON_OFFICE, utc(2025, 10, 24, 16), NotBefore(utc(2025, 10, 27, 9), Wait.CLOSED)),
    (LONDON, LONDON_OFFICE, utc(2025, 10, 27, 8, 30), NotBefore(utc(2025, 10, 27, 9), Wait.CLOSED)),
    # Sydney 01:00-04:00 every night: four hours on the fall-back night, two in spring.
    (LONDON, SYDNEY_NIGHT, utc(2025, 4, 5, 14), Eligible()),
    (LONDON, SYDNEY_NIGHT, utc(2025, 4, 5, 17, 49), Eligible()),
    (LONDON, SYDNEY_NIGHT, utc(2025, 4, 5, 17, 50), NotBefore(utc(2025, 4, 6, 15), Wait.CUTOFF)),
    (LONDON, SYDNEY_NIGHT, utc(2025, 10, 4, 14, 59), NotBefore(utc(2025, 10, 4, 15), Wait.CLOSED)),
    (LONDON, SYDNEY_NIGHT, utc(2025, 10, 4, 16, 49), Eligible()),
    (LONDON, SYDNEY_NIGHT, utc(2025, 10, 4, 16, 50), NotBefore(utc(2025, 10, 5, 14), Wait.CUTOFF)),
    # Opening at 02:30, inside the skipped hour: the queue opens when the clocks jump.
    (LONDON, SYDNEY_IN_GAP, utc(2025, 10, 4, 12), NotBefore(utc(2025, 10, 4, 16), Wait.CLOSED)),
    # Between the US and the UK changes, New York is four hours behind London, not five.
    (LONDON, NY_OFFICE, utc(2025, 3, 10, 12), NotBefore(utc(2025, 3, 10, 13), Wait.CLOSED)),
    (NEW_YORK, LONDON_OFFICE, utc(2025, 3, 7, 10), NotBefore(utc(2025, 3, 7, 13), WINDOW)),
    (NEW_YORK, LONDON_OFFICE, utc(2025, 3, 10, 10), NotBefore(utc(2025, 3, 10, 12), WINDOW)),
    # Sydney's daytime (21:00-10:00 UTC) never meets New York's office (13:00-20:50 UTC).
    (SYDNEY, NY_OFFICE, utc(2025, 3, 10, 14), Expired(utc(2025, 3, 14, 14))),
]


@pytest.mark.parametrize(("number", "schedule", "now", "expected"), BUSINESS_HOURS_CASES)
def test_business_hours_and_cutoff_follow_the_queues_clock(
    number: str, schedule: Schedule, now: datetime, expected: Eligibility
) -> None:
    assert check(number, now, schedule, cutoff=TEN, expiry=FOUR_DAYS) == expected
