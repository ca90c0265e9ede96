"""Zero dials outside the rules: eligibility checked minute by minute around clock changes.

The oracle below reads each zone's wall clock and the schedule's open periods directly,
so it shares no search with `eligible`. Clock changes are the 2025 ones from the tz
database (see test_eligibility_dst.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from callback.calling_window import CallingWindow, callee_zones
from callback.config.policy import CallbackPolicy
from callback.dispatch.eligibility import Eligible, Expired, NotBefore, eligible
from callback.hours import Period, Schedule
from callback.request import CallbackRequest
from callback.types import E164, State
from tests.callback.dispatch.builders import EVERY_DAY, always, hours, policy, request, spans, utc

FALLBACK = ZoneInfo("Europe/London")
MINUTE = timedelta(minutes=1)

CLOCK_CHANGES = [
    utc(2025, 3, 9, 7),  # New York forward
    utc(2025, 3, 9, 10),  # Los Angeles forward
    utc(2025, 3, 30, 1),  # London forward
    utc(2025, 4, 5, 16),  # Sydney back
    utc(2025, 10, 4, 16),  # Sydney forward
    utc(2025, 10, 26, 1),  # London back
    utc(2025, 11, 2, 6),  # New York back
]
NUMBERS = [
    "+442079460000",  # London
    "+12125550100",  # New York
    "+17752345678",  # Nevada: Pacific and Mountain
    "+19072345678",  # Alaska: Anchorage and Adak
    "+61298765432",  # Sydney
    "+61892345678",  # Adelaide and Perth
    "+81312345678",  # Tokyo, no clock changes
    "+919876543210",  # India mobile, no clock changes
]
# Repeated entries weight the draw toward rules that often meet, so all outcomes occur.
SCHEDULES = [
    always("UTC"),
    always("UTC"),
    hours("Europe/London", time(9), time(17)),
    hours("America/New_York", time(8), time(20), EVERY_DAY),
    spans("Australia/Sydney", ((time(0), time(3)), (time(22), time(0))), EVERY_DAY),
    hours("Australia/Sydney", time(2, 30), time(4), EVERY_DAY),
    hours("Asia/Tokyo", time(7), time(23), EVERY_DAY),
]
WINDOWS = [
    CallingWindow(time(8), time(21)),
    CallingWindow(time(8), time(21)),
    CallingWindow(time(9), time(20)),
    CallingWindow(time(1, 30), time(21)),
    CallingWindow(time(0, 30), time(2, 45)),
]


@dataclass(frozen=True)
class Case:
    """One request judged at one instant under one set of rules."""

    req: CallbackRequest
    now: datetime
    window: CallingWindow
    schedule: Schedule
    rules: CallbackPolicy
    due: datetime

    def judge(self, at: datetime) -> object:
        return eligible(
            self.req,
            at,
            window=self.window,
            fallback_zone=FALLBACK,
            schedule=self.schedule,
            policy=self.rules,
            due=self.due,
        )


class Oracle:
    """Every rule read directly: wall clocks and open periods, one instant at a time."""

    def __init__(self, case: Case, until: datetime) -> None:
        self.case = case
        self.zones = callee_zones(E164(case.req.number), FALLBACK)
        self.expires = case.req.created_at + case.rules.expiry
        # Read a week past `until`, so the periods that matter are not cut short.
        self.periods: list[Period] = list(
            case.schedule.open_periods(case.now - timedelta(days=1), until + timedelta(days=7))
        )

    def callee_awake(self, at: datetime) -> bool:
        return all(self.case.window.contains(at.astimezone(zone).time()) for zone in self.zones)

    def accepting(self, at: datetime) -> bool:
        cutoff = self.case.rules.cutoff_before_closing
        return any(start <= at < end - cutoff for start, end in self.periods)

    def allows(self, at: datetime) -> bool:
        return self.case.due <= at < self.expires and self.accepting(at) and self.callee_awake(at)

    def first_allowed_minute(self, start: datetime, stop: datetime) -> datetime | None:
        at = start
        while at < stop:
            if self.allows(at):
                return at
            at += MINUTE
        return None


def near_closing(schedule: Schedule, now: datetime) -> datetime:
    """The first closing within two days of `now`, or `now` for a queue that never closes."""
    until = now + timedelta(days=2)
    ends = [end for _, end in schedule.open_periods(now, until) if end < until]
    return ends[0] if ends else now


@st.composite
def cases(draw: st.DrawFn) -> Case:
    change = draw(st.sampled_from(CLOCK_CHANGES))
    schedule = draw(st.sampled_from(SCHEDULES))
    now = change + timedelta(seconds=draw(st.integers(-36 * 3600, 36 * 3600)))
    if draw(st.booleans()):
        # The hour before a closing, where the cut-off decides.
        now = near_closing(schedule, now) - timedelta(seconds=draw(st.integers(0, 3600)))
    created = now - timedelta(minutes=draw(st.integers(0, 12 * 60)))
    slot = None
    if draw(st.booleans()):
        start = now + timedelta(minutes=draw(st.integers(-120, 8 * 60)))
        slot = (start, start + timedelta(minutes=30))
    state = State.SCHEDULED if slot else State.WAITING
    req = request(draw(st.sampled_from(NUMBERS)), created, slot=slot, state=state)
    retry = draw(st.none() | st.integers(0, 6 * 60))
    due = req.due_at() if retry is None else now + timedelta(minutes=retry)
    rules = policy(
        cutoff_before_closing=timedelta(minutes=draw(st.sampled_from([0, 10, 45]))),
        expiry=timedelta(hours=draw(st.sampled_from([24, 72]))),
    )
    return Case(req, now, draw(st.sampled_from(WINDOWS)), schedule, rules, due)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_no_dial_outside_the_rules_and_no_later_than_needed(case: Case) -> None:
    result = case.judge(case.now)
    event(type(result).__name__)
    match result:
        case Eligible():
            assert Oracle(case, case.now).allows(case.now)
        case NotBefore(at=at):
            oracle = Oracle(case, at)
            assert at > case.now
            assert oracle.allows(at)
            assert case.judge(at) == Eligible()
            assert oracle.first_allowed_minute(case.now, at) is None
        case Expired(at=expires):
            oracle = Oracle(case, expires)
            assert expires == oracle.expires
            assert oracle.first_allowed_minute(case.now, expires) is None
        case _:
            raise AssertionError(f"unexpected {result!r}")
