"""The simulation's check of staffing advice: it confirms Erlang where the line is the formula's
own model and corrects it where the dial budget keeps callbacks waiting."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from callback.advice import Advice
from callback.config.loader import parse_config
from callback.config.model import SupervisorConfig
from callback.goals import AbandonmentGoal, Goal, Load, ServiceGoal, agents_for, outcome
from callback.history import Tally
from callback.simulate.check import Trials, check_interval, checker
from callback.simulate.reasons import Dials, profile_rows, talk_s
from tests.callback.simulate.cells import QUEUE, config

TEN = datetime(2026, 3, 2, 10, tzinfo=UTC)  # a Monday; London keeps GMT in March
EIGHTY_IN_60 = ServiceGoal(0.8, timedelta(seconds=60))
HANDLE, PATIENCE = 240.0, 600.0
UNANSWERED = Dials(no_answer=0.15, machine=0.05)


def _row(held: int, callbacks: int, goal: Goal = EIGHTY_IN_60) -> Advice:
    """Half an hour from 10:00 as advice measures it, with the formula's figure."""
    offered = held + callbacks
    line = PATIENCE * offered / held if held else None
    load = Load(offered / 1800 * HANDLE, HANDLE, line)
    needed = agents_for(goal, load)
    return Advice(
        QUEUE,
        TEN,
        TEN + timedelta(minutes=30),
        Tally(held, callbacks),
        HANDLE,
        PATIENCE,
        line,
        load.traffic,
        needed,
        planned=needed,
        at_plan=outcome(goal, load, needed),
    )


def _open(policy: str = "", wrap: str = "0s") -> SupervisorConfig:
    return config(20, hours="08:00-20:00", policy=policy, wrap=wrap)


def test_a_cap_on_callbacks_needs_more_agents_than_the_formula_says() -> None:
    # Half the line asks for a callback; at most six callbacks may be dialled or talking at
    # once, and one agent is kept for callers on hold. Erlang A sees 8 Erlangs and asks 10.
    row = _row(30, 30)
    capped = _open("max_concurrent_callbacks = 6\nreserve_agents_for_live = 1")
    check = check_interval(capped, row, EIGHTY_IN_60, UNANSWERED)
    assert check is not None and check.met
    assert row.needed == 10 and check.agents > row.needed
    # With the formula's agents the real line is clearly short; with the simulation's it meets.
    assert check.at_needed is not None and check.at_needed < 0.8
    assert check.outcome >= 0.8
    assert "the cap on concurrent callbacks kept agents free" in check.note
    assert "callbacks were taken in time less often than held callers" in check.note
    # One agent fewer than the simulation's figure falls short on the same people.
    fewer = check_interval(capped, replace(row, needed=check.agents - 1), EIGHTY_IN_60, UNANSWERED)
    assert fewer is not None and fewer.at_needed is not None and fewer.at_needed < 0.8


def test_a_cap_no_number_of_agents_can_lift_is_reported_as_not_met() -> None:
    row, capped = _row(20, 40), _open("max_concurrent_callbacks = 3")
    check = check_interval(capped, row, EIGHTY_IN_60, UNANSWERED, Trials(least=4, most=4))
    assert check is not None and not check.met
    assert check.agents == 2 * row.needed and check.outcome < 0.8  # the most it tried


def test_callers_on_hold_alone_agree_with_the_formula() -> None:
    row = _row(60, 0)
    check = check_interval(_open(), row, EIGHTY_IN_60, UNANSWERED)
    assert check is not None
    assert (check.agents, check.met, check.note) == (row.needed, True, "confirms the formula")
    assert check.outcome >= 0.8 and check.half < 0.1
    # By default only intervals with callbacks are simulated: these are the formula's own model.
    assert checker(_open(), EIGHTY_IN_60, UNANSWERED)(row) is None
    assert checker(_open(), EIGHTY_IN_60, UNANSWERED, every=True)(row) == check


def test_an_abandonment_goal_agrees_for_callers_on_hold() -> None:
    goal = AbandonmentGoal(0.05)
    row = _row(60, 0, goal)
    check = check_interval(_open(), row, goal, Dials())
    assert check is not None and check.agents == row.needed
    assert check.outcome <= 0.05


def test_too_many_agents_are_brought_down_to_the_fewest_that_meet_the_goal() -> None:
    row = replace(_row(60, 0), needed=16)  # the formula's 10 are enough: 16 clearly are
    check = check_interval(_open(), row, EIGHTY_IN_60, Dials())
    assert check is not None and check.met and check.agents < 16
    assert check.note.startswith("met with fewer agents than the formula's 16")
    lower = check_interval(_open(), replace(row, needed=check.agents - 1), EIGHTY_IN_60, Dials())
    assert lower is not None and lower.at_needed is not None and lower.at_needed < 0.8


def test_nobody_offered_or_callers_served_elsewhere_are_not_checked() -> None:
    row = _row(30, 30)
    assert check_interval(_open(), replace(row, tally=Tally()), EIGHTY_IN_60, Dials()) is None
    external = parse_config(_EXTERNAL.encode(), "test")
    assert check_interval(external, row, EIGHTY_IN_60, Dials()) is None


_EXTERNAL = """\
[service]
company = "Cell"
numbers = ["+44 20 7946 0000"]

[queues.line]
time_zone = "Europe/London"
region = "GB"
live_callers = "external"
hours.daily = ["08:00-20:00"]
"""


def test_the_talk_leaves_out_wrap_up_ringing_and_unanswered_dials() -> None:
    row = _row(30, 30)
    # Half the items are callbacks: 6 s of ringing each and, at 20% unanswered dials (15%
    # ringing out after the 30 s ring timeout, 5% machines known at 12 s), a quarter of a
    # miss per reached customer.
    misses = (0.15 * 30 + 0.05 * 12) / 0.8
    expected = HANDLE - 30 - 0.5 * (6 + misses)
    assert talk_s(_open(wrap="30s"), row, UNANSWERED) == expected
    assert talk_s(_open(wrap="300s"), row, UNANSWERED) == 1.0  # never below a second


def test_the_same_seed_gives_the_same_check() -> None:
    row, trials = _row(30, 30), Trials(seed=3, least=4, most=4)
    first = check_interval(_open(), row, EIGHTY_IN_60, UNANSWERED, trials)
    assert first == check_interval(_open(), row, EIGHTY_IN_60, UNANSWERED, trials)
    assert first is not None and first.replications == 4


def test_callbacks_asked_for_before_opening_wait_for_it_whatever_the_agents() -> None:
    # Twenty web callbacks between 07:00 and 08:00; the queue opens at 08:00. The formula sees
    # a light hour; the real line dials nobody before the opening.
    early = replace(_row(0, 20), start=TEN - timedelta(hours=3), end=TEN - timedelta(hours=2))
    check = check_interval(_open(), early, EIGHTY_IN_60, Dials(), Trials(least=3, most=3))
    assert check is not None and not check.met
    assert check.at_needed is not None and check.at_needed < 0.1 and check.outcome < 0.1
    assert "the queue is closed for part of the interval: callbacks wait" in check.note


def test_a_whole_day_interval_is_measured_from_an_empty_line() -> None:
    day = replace(_row(60, 0), start=TEN - timedelta(hours=10), end=TEN + timedelta(hours=14))
    rows = profile_rows(_open(), day, Dials(), 86400.0)
    assert [(r.start, r.end, r.offered) for r in rows] == [(time(0), time(0), 60.0)]


def test_callers_who_find_the_queue_closed_leave_nothing_to_judge() -> None:
    # Callers on hold before opening hear it is closed and go: nobody joins the simulated
    # line, so the simulation has no figure and the formula's stands.
    early = replace(_row(30, 0), start=TEN - timedelta(hours=4), end=TEN - timedelta(hours=3.5))
    check = check_interval(_open(), early, EIGHTY_IN_60, Dials(), Trials(least=2, most=2))
    assert check is not None and check.agents == early.needed and check.met
    assert math.isnan(check.outcome) and "closed for part of the interval" not in check.note
