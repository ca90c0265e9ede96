"""Staffing advice per interval, checked against figures worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callback.advice import Advice, SimulatedCheck, Window, advise, with_simulated_check
from callback.goals import AbandonmentGoal, ServiceGoal
from callback.history import Arrival, History, Hold, Occupation
from callback.plan import StaffingPlan, StaffInterval

DAY = date(2026, 12, 7)  # a Monday
HOUR = Window(DAY, 1, timedelta(hours=1))
SIX_MINUTES = timedelta(minutes=6)
EIGHTY_IN_60 = ServiceGoal(0.80, timedelta(seconds=60))
NIGHT = datetime(2026, 12, 8, tzinfo=UTC)
"""When the advice is asked for: after the whole window."""


def _at(hour: int, minute: float = 0) -> datetime:
    return datetime(2026, 12, 7, hour, tzinfo=UTC) + timedelta(minutes=minute)


def _plan(*entries: tuple[int, int, int]) -> StaffingPlan:
    intervals = tuple(StaffInterval(time(a), time(b), agents) for a, b, agents in entries)
    return StaffingPlan(tz=ZoneInfo("UTC"), weekly={0: intervals})


def _busy_hour(start: int = 9) -> History:
    """Between `start` and the hour after: 30 callers hold and 30 ask for a callback; 60 are
    served in 240 s each; the 30 on hold waited 3000 s in all and 5 of them gave up."""
    arrivals = [Arrival("support", _at(start, k), k % 2 == 0) for k in range(60)]
    served = [Occupation("support", _at(start, k), 240.0, True) for k in range(60)]
    holds = [Hold("support", _at(start, 2 * k), 100.0, k < 5) for k in range(30)]
    return History(arrivals, served, holds)


def test_a_busy_hour_worked_out_by_hand() -> None:
    rows = advise(
        _busy_hour(), "support", _plan((9, 10, 3)), SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT
    )
    assert len(rows) == 1  # the other hours neither offered work nor planned agents
    row = rows[0]
    assert (row.start, row.end) == (_at(9), _at(10))
    # 60 arrivals an hour of 240 s each: 60/3600 * 240 = 4 Erlangs.
    assert row.handle_s == pytest.approx(240.0)
    assert row.traffic == pytest.approx(4.0)
    # 5 gave up in 3000 s on hold: a hazard of 1/600 s, so a mean patience of 10 minutes.
    # Half the line are callbacks, who never give up: the line's patience is 20 minutes.
    assert row.patience_s == pytest.approx(600.0)
    assert row.line_patience_s == pytest.approx(1200.0)
    assert row.model == "A"
    # Erlang A, 4 E, 240 s, patience 1200 s, 80% in 60 s (the brute-force chain of
    # tests/callback/test_staffing.py): 5 agents reach 67.6%, 6 reach 85.5%, 3 reach 11.0%.
    assert row.needed == 6
    assert (row.planned, row.difference) == (3, 3)
    assert row.at_plan == pytest.approx(0.110075, abs=1e-6)


def test_an_abandonment_goal_for_the_same_hour() -> None:
    goal = AbandonmentGoal(0.05)
    (row,) = advise(_busy_hour(), "support", _plan((9, 10, 3)), SIX_MINUTES, goal, HOUR, NIGHT)
    # Same chain: 4 agents lose 12.2% of the callers, 5 lose 4.9%; the plan's 3 lose 27.4%.
    assert row.needed == 5
    assert row.at_plan == pytest.approx(0.274006, abs=1e-6)


def test_a_thin_interval_leans_on_the_window() -> None:
    # The busy hour, then at 11:00 two callbacks served in 600 s each, nobody on hold.
    busy = _busy_hour()
    late = History(
        arrivals=[Arrival("support", _at(11, 5), False), Arrival("support", _at(11, 6), False)],
        occupations=[Occupation("support", _at(11, 7), 600.0, True)] * 2,
    )
    history = History(
        [*busy.arrivals, *late.arrivals], [*busy.occupations, *late.occupations], busy.holds
    )
    rows = advise(history, "support", _plan(), SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    row = rows[-1]
    assert row.start == _at(11)
    # The window served 62 items in 60*240 + 2*600 = 15600 s: 251.6 s each. The hour's own two
    # weigh against 10 of those: (10 * 15600/62 + 1200) / 12.
    assert row.handle_s == pytest.approx((10 * 15600 / 62 + 1200) / 12)
    # Nobody held in that hour: no one in its line can give up, Erlang C.
    assert row.patience_s == pytest.approx(600.0)
    assert (row.line_patience_s, row.model) == (None, "C")
    assert row.planned == 0 and row.at_plan == 0.0
    assert row.difference == row.needed


def test_nothing_served_yet_takes_the_configured_handle_time() -> None:
    history = History(arrivals=[Arrival("support", _at(9, k), False) for k in range(6)])
    (row,) = advise(history, "support", _plan(), SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    # 6 callbacks in an hour at the prior's 360 s: 0.6 Erlangs; nobody holds: Erlang C.
    assert (row.handle_s, row.model) == (360.0, "C")
    assert row.traffic == pytest.approx(0.6)
    assert row.patience_s is None


def test_a_hold_where_nobody_gave_up_is_erlang_c() -> None:
    history = History(
        arrivals=[Arrival("support", _at(9), True)], holds=[Hold("support", _at(9), 50.0, False)]
    )
    (row,) = advise(history, "support", _plan(), SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    assert (row.patience_s, row.model) == (None, "C")


def test_a_patience_beyond_a_day_counts_as_nobody_giving_up() -> None:
    # One abandonment in 20 days on hold (with the pseudo-callers): a mean patience of weeks.
    history = History(
        arrivals=[Arrival("support", _at(9), True)],
        holds=[
            Hold("support", _at(9), 20 * 86_400.0, False),
            Hold("support", _at(9, 1), 10.0, True),
        ],
    )
    (row,) = advise(history, "support", _plan(), SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    assert (row.patience_s, row.model) == (None, "C")


def test_an_interval_across_a_plan_change_averages_the_plan() -> None:
    plan = StaffingPlan(
        tz=ZoneInfo("UTC"),
        weekly={
            0: (
                StaffInterval(time(9), time(9, 30), 3),
                StaffInterval(time(9, 30), time(10), 5),
            )
        },
    )
    (row,) = advise(_busy_hour(), "support", plan, SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    # Half an hour with 3 agents (11.0%) and half with 5 (67.6%), from the chain above.
    assert row.planned == 4
    assert row.at_plan == pytest.approx((0.110075 + 0.675800) / 2, abs=1e-6)


def _two_busy_hours() -> History:
    nine, eleven = _busy_hour(9), _busy_hour(11)
    return History(
        [*nine.arrivals, *eleven.arrivals],
        [*nine.occupations, *eleven.occupations],
        [*nine.holds, *eleven.holds],
    )


def test_a_quiet_planned_hour_between_busy_ones_shows_what_could_be_spared() -> None:
    plan = _plan((8, 13, 2))
    rows = advise(_two_busy_hours(), "support", plan, SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    # 08:00 and 12:00 are planned too, but outside the hours anyone joined the line.
    assert [(row.start, row.needed, row.planned) for row in rows] == [
        (_at(9), 6, 2),
        (_at(10), 0, 2),
        (_at(11), 6, 2),
    ]
    assert (rows[1].difference, rows[1].at_plan) == (-2, 1.0)
    assert not any(row.running for row in rows)


def test_no_arrivals_is_no_advice() -> None:
    plan = _plan((9, 11, 2))
    assert advise(History(), "support", plan, SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT) == []


def test_the_interval_running_now_is_measured_until_now() -> None:
    now, plan = _at(9, 30), _plan((9, 10, 3))
    (row,) = advise(_busy_hour(), "support", plan, SIX_MINUTES, EIGHTY_IN_60, HOUR, now)
    # The later hours have not begun; this one counts its first half hour.
    assert (row.start, row.end, row.tally.offered, row.running) == (_at(9), now, 30, True)
    # 30 arrivals in half an hour is still one a minute: 4 Erlangs at 240 s each.
    assert row.traffic == pytest.approx(4.0)


def test_other_queues_do_not_count() -> None:
    rows = advise(_busy_hour(), "sales", _plan(), SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    assert rows == []


def test_the_simulated_check_fills_its_column_and_changes_nothing_else() -> None:
    plan = _plan((9, 12, 3))
    rows = advise(_two_busy_hours(), "support", plan, SIX_MINUTES, EIGHTY_IN_60, HOUR, NIGHT)
    assert all(row.simulated is None for row in rows)

    def check(row: Advice) -> SimulatedCheck | None:
        if not row.tally.offered:
            return None
        return SimulatedCheck(row.needed + 1, 0.81, "callbacks first")

    checked = with_simulated_check(rows, check)
    verdict = SimulatedCheck(7, 0.81, "callbacks first")
    assert [row.simulated for row in checked] == [verdict, None, verdict]
    assert [replace(row, simulated=None) for row in checked] == rows
