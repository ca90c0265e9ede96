"""The ground truth about callers on hold: fates, double bridges, the database's story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chaos.held import (
    AgentLeg,
    CallerLeg,
    Fate,
    HeldRow,
    HeldTally,
    agent_overlaps,
    disagrees,
    fate,
    held_failures,
    held_tally,
)

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def leg(
    sid: str,
    *,
    connected: int = 0,
    ended: bool = True,
    themselves: bool = False,
    in_queue: bool = False,
) -> CallerLeg:
    return CallerLeg(sid, connected, ended, themselves, in_queue)


def test_a_caller_put_through_once_is_served_and_stored_served() -> None:
    caller = leg("CA1", connected=1)

    assert fate(caller, HeldRow("CA1", "served")) is Fate.SERVED
    assert not disagrees(Fate.SERVED, HeldRow("CA1", "served"))


def test_a_caller_who_hung_up_themselves_is_abandoned_not_lost() -> None:
    caller = leg("CA1", themselves=True)

    assert fate(caller, HeldRow("CA1", "abandoned")) is Fate.ABANDONED
    assert not disagrees(Fate.ABANDONED, HeldRow("CA1", "abandoned"))
    assert not disagrees(Fate.ABANDONED, None)  # gone before their first hold round


def test_a_call_the_app_ended_without_an_agent_is_lost() -> None:
    # The app said goodbye, or failed and the call dropped: the caller never chose that.
    assert fate(leg("CA1"), HeldRow("CA1", "abandoned")) is Fate.LOST


def test_a_caller_still_in_the_queue_keeps_their_place_only_with_a_row_in_line() -> None:
    waiting = leg("CA1", ended=False, in_queue=True)

    assert fate(waiting, HeldRow("CA1", "holding")) is Fate.HOLDING
    assert fate(waiting, HeldRow("CA1", "returning")) is Fate.HOLDING
    # In Twilio's queue but not in Holdless's line: nobody will ever take them.
    assert fate(waiting, None) is Fate.LOST
    assert fate(waiting, HeldRow("CA1", "offered")) is Fate.LOST
    assert fate(waiting, HeldRow("CA1", "abandoned")) is Fate.LOST


def test_a_caller_on_the_line_outside_the_queue_at_the_end_is_lost() -> None:
    assert fate(leg("CA1", ended=False), HeldRow("CA1", "connecting")) is Fate.LOST


def test_the_database_must_tell_the_carriers_story() -> None:
    assert disagrees(Fate.SERVED, HeldRow("CA1", "abandoned"))
    assert disagrees(Fate.SERVED, None)
    assert disagrees(Fate.ABANDONED, HeldRow("CA1", "served"))
    assert disagrees(Fate.ABANDONED, HeldRow("CA1", "holding"))


def test_an_agent_answering_a_second_party_while_busy_is_counted() -> None:
    legs = [
        AgentLeg("client:a001", at(0), at(10)),
        AgentLeg("client:a001", at(5), at(12)),  # while the first still talked
        AgentLeg("client:a001", at(12), at(13)),  # right after: fine
        AgentLeg("client:a002", at(5), None),  # another agent, still talking
        AgentLeg("client:a002", at(100), at(101)),  # the open leg lasts until the end
    ]

    assert agent_overlaps(legs, end=at(200)) == 2


def test_the_tally_counts_each_fate_and_each_double() -> None:
    callers = [
        leg("CA1", connected=1),
        leg("CA2", connected=2),
        leg("CA3", themselves=True),
        leg("CA4", ended=False, in_queue=True),
        leg("CA5"),
    ]
    rows = {
        "CA1": HeldRow("CA1", "served"),
        "CA2": HeldRow("CA2", "served"),
        "CA3": HeldRow("CA3", "holding"),
        "CA4": HeldRow("CA4", "holding"),
    }
    agents = [AgentLeg("client:a001", at(0), at(2)), AgentLeg("client:a001", at(1), at(3))]

    tally = held_tally(callers, rows, agents, end=at(10))

    assert tally == HeldTally(
        callers=5,
        served=2,
        abandoned=1,
        holding=1,
        lost=1,
        double_bridges=1,
        agent_overlaps=1,
        disagreements=1,
    )


def test_every_broken_promise_on_hold_is_named() -> None:
    clean = HeldTally(10, 8, 1, 1, 0, 0, 0, 0)
    broken = HeldTally(9, 5, 1, 0, 3, 1, 2, 4)

    assert held_failures(clean, wanted=10) == []
    assert held_failures(broken, wanted=10) == [
        "9 of 10 callers on hold dialled in",
        "3 callers on hold lost (not served, gone, or in their place)",
        "1 callers on hold connected to two agents",
        "2 agent legs answered while the agent was busy",
        "4 callers on hold stored otherwise than they ended",
    ]
