"""The verdicts every scenario shares and the figures table."""

from __future__ import annotations

from chaos.held import HeldTally
from chaos.report import Figures, ground_failures, table
from chaos.truth import Tally

CLEAN = Tally(callbacks=10, lost=0, doubles=0, orphans=0, calls=11)


def test_a_clean_run_fails_nothing() -> None:
    assert ground_failures(CLEAN, wanted=10, accepted=10) == []


def test_every_broken_promise_is_named() -> None:
    broken = Tally(callbacks=10, lost=2, doubles=1, orphans=3, calls=14)

    found = ground_failures(broken, wanted=10, accepted=9)

    assert found == [
        "9 of 10 callback requests accepted by the API",
        "2 requests lost (not in a final state)",
        "1 numbers dialled twice for one attempt",
        "3 calls without an attempt row",
    ]


def test_the_table_has_a_row_per_scenario_and_lists_failures_below() -> None:
    good = Figures("a kills", CLEAN, 61.4)
    bad = Figures("c stale dial", CLEAN, 40.0, "0 of 1", "paused 34 s", ("stale dial went out",))

    lines = table([good, bad]).splitlines()

    assert lines[0].split() == [
        "scenario", "callbacks", "calls", "lost", "doubles", "no", "attempt", "stale",
        "refused", "on", "hold", "served", "hung", "up", "lost", "on", "hold", "double",
        "bridges", "s", "result",
    ]  # fmt: skip
    assert lines[2].split() == [
        "a", "kills", "10", "11", "0", "0", "0", "-", "-", "-", "-", "-", "-", "61", "pass",
    ]  # fmt: skip
    assert "0 of 1" in lines[3]
    assert lines[3].split()[-2:] == ["40", "FAIL"]
    assert lines[4:] == ["c stale dial: stale dial went out", "c stale dial: paused 34 s"]


def test_the_held_figures_stand_beside_the_callback_ones() -> None:
    held = HeldTally(
        callers=60, served=50, abandoned=8, holding=0, lost=2, double_bridges=1,
        agent_overlaps=1, disagreements=0,
    )  # fmt: skip
    kills = Figures("a kills", CLEAN, 300.0, held=held)

    row = table([kills]).splitlines()[2].split()

    # callbacks, calls, lost, doubles, no attempt, stale refused; then the callers on hold:
    # dialled in, served, hung up, lost, double bridges (callers and agents together)
    assert row[2:8] == ["10", "11", "0", "0", "0", "-"]
    assert row[8:13] == ["60", "50", "8", "2", "2"]
