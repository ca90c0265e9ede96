"""Two configs on the same contacts: what the comparison finds, and what it must not."""

from __future__ import annotations

from datetime import time

from callback.simulate.arrivals import Interval, Kind
from callback.simulate.compare import Setup, replicate, run_queue
from callback.simulate.report import compare_queue
from tests.callback.simulate.cells import MONDAY, QUEUE, config

DAY_HOURS = "08:00-18:00"


def _mixed(per_hour: float, no_answer: float = 0.2) -> tuple[Interval, ...]:
    """Callers who hold or take a callback, and a tenth as many web requests, 08:00-18:00."""
    phone = Interval(
        QUEUE, time(8), time(18), Kind.PHONE, per_hour * 10, 240.0, 300.0, 0.5, no_answer, 0.05
    )
    web = Interval(QUEUE, time(8), time(18), Kind.WEB, per_hour, 240.0, None, 0.0, no_answer)
    return phone, web


def _setup(profile: tuple[Interval, ...], replications: int = 4) -> Setup:
    return Setup(profile, MONDAY, 1, 3, replications, 3600.0)


def test_an_identical_proposal_gives_identical_runs_and_says_so() -> None:
    current = config(8, hours=DAY_HOURS, wrap="30s")
    same = config(8, hours=DAY_HOURS, wrap="30s")
    setup = _setup(_mixed(per_hour=60.0), 2)
    assert replicate(current, QUEUE, setup) == replicate(same, QUEUE, setup)
    report = compare_queue(current, same, QUEUE, setup)
    assert report.verdict == "proposed: no difference beyond noise"
    assert report.current == report.proposed
    assert report.current["callbacks_completed"].mean > 0
    assert report.current["served_from_hold"].mean > 0


def test_more_agents_at_lunch_raise_the_service_level_then_and_the_verdict_says_when() -> None:
    lunch = ", ".join(
        f'{{ from = "{start}", to = "{end}", agents = {agents} }}'
        for start, end, agents in (
            ("08:00", "12:00", 8),
            ("12:00", "14:00", 5),
            ("14:00", "18:00", 8),
        )
    )
    current = config(lunch, hours=DAY_HOURS, wrap="30s")
    proposed = config(8, hours=DAY_HOURS, wrap="30s")
    report = compare_queue(current, proposed, QUEUE, _setup(_mixed(per_hour=80.0), 4))
    noon = {row.start: row for row in report.rows}["12:00"]
    assert noon.proposed["service_level"].mean > noon.current["service_level"].mean + 0.1
    assert "service level" in report.verdict
    assert "from 12:00 to 1" in report.verdict
    early = {row.start: row for row in report.rows}["08:00"]
    assert early.proposed == early.current  # the same agents before lunch: the same morning


def test_a_cap_on_concurrent_callbacks_leaves_agents_idle_and_callbacks_waiting() -> None:
    web_only = (Interval(QUEUE, time(8), time(18), Kind.WEB, 300.0, 240.0, None),)
    current = config(8, hours=DAY_HOURS)
    capped = config(8, hours=DAY_HOURS, policy="max_concurrent_callbacks = 1")
    report = compare_queue(current, capped, QUEUE, _setup(web_only, 3))
    assert report.current["reserved_idle_s"].mean == 0
    assert report.proposed["reserved_idle_s"].mean > 3600
    assert report.proposed["callback_wait_s"].mean > report.current["callback_wait_s"].mean
    assert "more broken promises" in report.verdict


def test_callbacks_that_never_answer_are_given_up_by_the_retry_policy() -> None:
    web = (Interval(QUEUE, time(8), time(12), Kind.WEB, 20.0, 240.0, None, 0.0, 1.0),)
    tally = run_queue(config(3, hours=DAY_HOURS), QUEUE, _setup(web), 5)
    whole = tally.total()
    assert whole.callbacks == whole.offered > 0
    assert whole.callbacks_completed == 0
    assert whole.promises_broken == whole.callbacks


def test_a_request_made_while_closed_waits_for_the_opening_and_may_expire() -> None:
    night = (Interval(QUEUE, time(5), time(7), Kind.WEB, 10.0, 240.0, None),)
    waits = run_queue(config(3, hours=DAY_HOURS), QUEUE, _setup(night), 2).total()
    assert waits.callbacks_completed == waits.callbacks > 0
    assert waits.callback_wait_s / waits.callbacks_completed > 3600  # dialled after 08:00
    short = config(3, hours=DAY_HOURS, policy='expiry = "30m"\nretry_window = "20m"')
    expired = run_queue(short, QUEUE, _setup(night), 2).total()
    assert expired.callbacks_completed == 0
    assert expired.promises_broken == expired.callbacks > 0


def test_callers_who_find_the_queue_closed_are_counted_and_not_served() -> None:
    calls = (Interval(QUEUE, time(19), time(20), Kind.PHONE, 30.0, 240.0, 300.0),)
    tally = run_queue(config(3, hours=DAY_HOURS), QUEUE, _setup(calls), 1).total()
    assert tally.closed == tally.offered > 0
    assert tally.served_from_hold == tally.held == 0


def test_a_night_request_waits_for_the_customers_calling_window() -> None:
    night = (Interval(QUEUE, time(2), time(3), Kind.WEB, 10.0, 240.0, None),)
    tally = run_queue(config(3), QUEUE, _setup(night), 2).total()
    assert tally.callbacks_completed == tally.callbacks > 0
    assert tally.callback_wait_s / tally.callbacks_completed > 4 * 3600  # not before 08:00


def test_nobody_is_promised_anything_where_no_agent_is_ever_planned() -> None:
    calls = (
        Interval(QUEUE, time(9), time(10), Kind.WEB, 10.0, 240.0, None),
        Interval(QUEUE, time(9), time(10), Kind.PHONE, 10.0, 240.0, None),
    )
    tally = run_queue(config(0, hours=DAY_HOURS), QUEUE, _setup(calls), 1).total()
    assert tally.callbacks == tally.served_from_hold == 0
    assert tally.offered == tally.closed + tally.held > 0
    assert tally.abandoned == 0  # patient callers are still holding when the run stops


def test_bookings_for_a_time_fill_the_first_slots_with_room_and_keep_their_promise() -> None:
    night = (Interval(QUEUE, time(5), time(7), Kind.SLOT, 12.0, 240.0, None),)
    roomy = config(3, hours=DAY_HOURS, policy='slot_capacity = 20\nslot_length = "30m"')
    tight = config(3, hours=DAY_HOURS, policy='slot_capacity = 2\nslot_length = "30m"')
    easy_run = run_queue(roomy, QUEUE, _setup(night), 2)
    spread_run = run_queue(tight, QUEUE, _setup(night), 2)
    easy, spread = easy_run.total(), spread_run.total()
    assert easy.callbacks == spread.callbacks == easy.callbacks_completed > 6
    assert spread.callbacks_completed == spread.callbacks
    assert easy.promises_broken == spread.promises_broken == 0  # each reached within its slot
    # A booking's wait runs from its slot's start: short, however far ahead it was booked.
    assert spread.callback_wait_s / spread.callbacks_completed < 120
    # Two a slot: the bookings spill into later slots, where agents then work.
    assert easy_run.cells[8].busy_s > 0 and easy_run.cells[10].busy_s == 0
    assert spread_run.cells[10].busy_s > 0
    full = config(3, hours="08:00-08:30", policy='slot_capacity = 1\nslot_length = "30m"')
    refused = run_queue(full, QUEUE, _setup(night), 2).total()
    assert refused.callbacks == 7 and refused.closed == refused.offered - 7  # a slot a day


def test_customers_who_answer_but_say_not_now_are_retried_and_their_promises_broken() -> None:
    def web(declined: float) -> tuple[Interval, ...]:
        return (Interval(QUEUE, time(8), time(12), Kind.WEB, 20.0, 240.0, None, declined=declined),)

    config_ = config(3, hours=DAY_HOURS)
    never = run_queue(config_, QUEUE, _setup(web(1.0)), 5).total()
    assert never.callbacks > 0 and never.callbacks_completed == 0
    assert never.promises_broken == never.callbacks  # given up after the last attempt
    # Three attempts each (max_attempts), ringing and a "not now" each: agent time, no talk.
    assert 0 < never.busy_s <= never.callbacks * 3 * 16.0
    always = run_queue(config_, QUEUE, _setup(web(0.0)), 5).total()
    half = run_queue(config_, QUEUE, _setup(web(0.5)), 5).total()
    assert always.callbacks_completed == always.callbacks == half.callbacks
    assert half.callbacks_completed < half.callbacks or half.promises_broken > 0
    # Those who said not now were called again after the retry policy's backoff (5 minutes).
    waits = [c.callback_wait_s / c.callbacks_completed for c in (always, half)]
    assert waits[1] > waits[0] + 60
