"""The ground truth about callers on hold: the simulated carrier's legs against the database.

Every simulated caller who chose to hold ends in exactly one of these, judged by what the
carrier saw, not by what the app stored:

- *served*: their call was connected to an agent (once);
- *abandoned*: they hung up themselves before an agent took them;
- *holding*: still waiting in the carrier's queue at the end, with their place in the line
  (their `held_call` row waiting in line, never moved to the back);
- *lost*: anything else (the app ended the call or failed it, or the caller waits where
  Holdless no longer has them in line).

A *double bridge* is a caller connected to a second agent, or an agent talking to a second
party (a held caller or a callback) while still with another. The database must agree with
the carrier about each caller's end (*disagreements*): a caller served is stored served,
one who hung up is stored abandoned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

HOLDING_STATES = frozenset({"holding", "returning"})
"""The `held_call` states of a caller waiting in the line at their own place."""
SERVED, ABANDONED = "served", "abandoned"


class Fate(StrEnum):
    """How one caller on hold ended, as the carrier saw it."""

    SERVED = "served"
    ABANDONED = "abandoned"
    HOLDING = "holding"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class CallerLeg:
    """One simulated caller's inbound call as the carrier played it."""

    sid: str
    connected: int
    """Agents the caller was put through to (talked with)."""
    ended: bool
    hung_up_themselves: bool
    in_queue: bool


@dataclass(frozen=True, slots=True)
class AgentLeg:
    """One leg that rang an agent and was answered: the agent was busy from answer to end."""

    agent: str
    answered_at: datetime
    ended_at: datetime | None
    sid: str = ""
    parent: str | None = None
    """The call whose `<Dial>` rang the agent (a held caller's, a customer's)."""


@dataclass(frozen=True, slots=True)
class HeldRow:
    """One `held_call` row as stored."""

    call_sid: str
    state: str


@dataclass(frozen=True, slots=True)
class HeldTally:
    """What the ground truth says about the callers on hold of one run."""

    callers: int
    served: int
    abandoned: int
    holding: int
    lost: int
    double_bridges: int
    agent_overlaps: int
    disagreements: int


def fate(caller: CallerLeg, row: HeldRow | None) -> Fate:
    """The caller's end by the carrier's record (the row only says whether they kept their
    place while still waiting)."""
    if caller.connected:
        return Fate.SERVED
    if caller.ended:
        return Fate.ABANDONED if caller.hung_up_themselves else Fate.LOST
    if caller.in_queue and row is not None and row.state in HOLDING_STATES:
        return Fate.HOLDING
    return Fate.LOST


def disagrees(found: Fate, row: HeldRow | None) -> bool:
    """The database tells another story than the carrier about this caller's end."""
    if found is Fate.SERVED:
        return row is None or row.state != SERVED
    if found is Fate.ABANDONED:
        # A caller who hung up before their first hold round has no row: nothing to store.
        return row is not None and row.state != ABANDONED
    return False


def overlapping(legs: Iterable[AgentLeg], end: datetime) -> list[tuple[AgentLeg, AgentLeg]]:
    """Answered legs of one agent that began before the agent's previous leg ended, each
    with the leg the agent was still on."""
    by_agent: dict[str, list[AgentLeg]] = defaultdict(list)
    for leg in legs:
        by_agent[leg.agent].append(leg)
    found = []
    for agent_legs in by_agent.values():
        busy: AgentLeg | None = None
        for leg in sorted(agent_legs, key=lambda one: one.answered_at):
            if busy is not None and leg.answered_at < (busy.ended_at or end):
                found.append((busy, leg))
            if busy is None or (leg.ended_at or end) > (busy.ended_at or end):
                busy = leg
    return found


def agent_overlaps(legs: Iterable[AgentLeg], end: datetime) -> int:
    """Answered legs of one agent that began before the agent's previous leg ended."""
    return len(overlapping(legs, end))


def held_tally(
    callers: Sequence[CallerLeg],
    rows: Mapping[str, HeldRow],
    agents: Sequence[AgentLeg],
    end: datetime,
) -> HeldTally:
    """Every held figure the kills scenario asserts on."""
    fates = [fate(caller, rows.get(caller.sid)) for caller in callers]
    wrong = sum(
        disagrees(found, rows.get(caller.sid)) for caller, found in zip(callers, fates, strict=True)
    )
    return HeldTally(
        callers=len(callers),
        served=fates.count(Fate.SERVED),
        abandoned=fates.count(Fate.ABANDONED),
        holding=fates.count(Fate.HOLDING),
        lost=fates.count(Fate.LOST),
        double_bridges=sum(1 for caller in callers if caller.connected > 1),
        agent_overlaps=agent_overlaps(agents, end),
        disagreements=wrong,
    )


def held_failures(tally: HeldTally, wanted: int) -> list[str]:
    """The held assertions: every caller dialled in, 0 lost, 0 double bridges, the database
    agreeing with the carrier."""
    found = []
    if tally.callers != wanted:
        found.append(f"{tally.callers} of {wanted} callers on hold dialled in")
    if tally.lost:
        found.append(f"{tally.lost} callers on hold lost (not served, gone, or in their place)")
    if tally.double_bridges:
        found.append(f"{tally.double_bridges} callers on hold connected to two agents")
    if tally.agent_overlaps:
        found.append(f"{tally.agent_overlaps} agent legs answered while the agent was busy")
    if tally.disagreements:
        found.append(f"{tally.disagreements} callers on hold stored otherwise than they ended")
    return found


def findings(
    callers: Sequence[CallerLeg],
    rows: Mapping[str, HeldRow],
    agents: Sequence[AgentLeg],
    end: datetime,
) -> list[str]:
    """One line per caller not served or gone as stored, and per agent with two parties."""
    found = []
    for caller in callers:
        row = rows.get(caller.sid)
        seen = fate(caller, row)
        stored = "no row" if row is None else row.state
        if seen in (Fate.LOST, Fate.HOLDING) or disagrees(seen, row):
            found.append(f"caller {caller.sid}: {seen} by the carrier, {stored} in the database")
    held = {caller.sid for caller in callers}
    for busy, second in overlapping(agents, end):
        found.append(
            f"agent {busy.agent}: leg {busy.sid} ({_party(busy, held)}) answered "
            f"{busy.answered_at:%H:%M:%S.%f}, ended {busy.ended_at or end:%H:%M:%S.%f}; "
            f"leg {second.sid} ({_party(second, held)}) answered {second.answered_at:%H:%M:%S.%f}"
        )
    return found


def _party(leg: AgentLeg, held: set[str]) -> str:
    kind = "held caller" if leg.parent in held else "callback"
    return f"{kind} {leg.parent}"
