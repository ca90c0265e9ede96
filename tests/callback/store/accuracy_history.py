"""A known day of announcements and endings, whose accuracy figures are worked out by hand.

Support queue, times in minutes after T0 (09:00 UTC), waits in seconds:

| person | told at | wait, low-high | promised by | ended                    | actual | error |
|--------|---------|----------------|-------------|--------------------------|--------|-------|
| D      | 0       | 0, 0-0         | 1           | connected at 0.5         | 30     | +30   |
| A      | 1       | 300, 120-600   | 10          | connected at 7           | 360    | +60   |
| C      | 2       | 600, 300-900   | 15          | cancelled at 20          | -      | -     |
| B (1)  | 1       | 120, 60-200    | -           | bridged at 5             | 240    | +120  |
| B (2)  | 3       | 60, 30-120     | -           | bridged at 5             | 120    | +60   |
| E      | 2       | 300, 100-500   | -           | hung up on hold at 4     | -      | -     |
| F      | 2       | 300, 100-500   | -           | left for a callback at 3 | -      | -     |

D, A and C are callbacks; B, E and F callers on hold (B heard two rounds). Not counted: a
sales callback, a support callback that ended yesterday and one still waiting.

First announcements: reached D, A, B(1): bias (30+60+120)/3 = 70, RMSE sqrt(18900/3) =
sqrt(6300); ranges judged A and B(1) (D's is a point), inside A only: 1/2; promises judged D,
A (kept) and C (broken, given up after its time): 2/3; gave up C and E.
Every announcement adds B(2): bias 270/4 = 67.5, RMSE sqrt(22500/4) = 75, inside 2/3.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from callback.store import QueueStore
from callback.store.announcements import Told, told_request
from callback.store.engine import write_transaction
from callback.store.held import HeldStore, Joining
from callback.store.held_line import HeldState, claim, head
from callback.types import AgentId, QueueName, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, T0, at, claim_next, incoming, number

MIDNIGHT = T0.replace(hour=0)
QUEUE_SID = "QU" + "1" * 32


def told(
    minutes: float,
    wait: float,
    low: float,
    high: float,
    by: float | None = None,
    *,
    queue: QueueName = SUPPORT,
    source: str = "web",
) -> Told:
    """What was told at T0 + `minutes`: waits in seconds, the promise at T0 + `by` minutes."""
    spans = (timedelta(seconds=wait), timedelta(seconds=low), timedelta(seconds=high))
    return Told(queue, source, at(minutes), None, *spans, at(by) if by is not None else None)


def booked(store: QueueStore, n: int, what: Told, queue: QueueName = SUPPORT) -> RequestId:
    """A callback request that joined at the announcement's time and was told `what`."""
    minutes = (what.at - T0) / timedelta(minutes=1)
    request = store.enqueue(queue, number(n), incoming(minutes), what.at).request.id
    with write_transaction(store.engine) as connection:
        told_request(connection, request, what)
    return request


def connect_next(store: QueueStore, queue: QueueName, claimed: float, connected: float) -> None:
    """Claim the head of `queue`'s line and connect it."""
    found = claim_next(store, queue, at(claimed), LEASE)
    assert found is not None
    store.transition(found.request.id, State.CONNECTED, at(connected))


def hold(held: HeldStore, sid: str, minutes: float, what: Told | None) -> int:
    """A hold round of call `sid` at T0 + `minutes`, telling `what`; the caller's row id."""
    joining = Joining(sid, SUPPORT, QUEUE_SID, "en", 0, at(minutes))
    return held.join(joining, at(minutes), what).id


def bridge_head(engine: Engine, minutes: float) -> None:
    """The head of the held line is claimed, put through and bridged at T0 + `minutes`."""
    held = HeldStore(engine)
    with write_transaction(engine) as connection:
        row = head(connection, SUPPORT)
        assert row is not None
        offer = claim(connection, row, AgentId("agent-1"), at(minutes - 0.2), LEASE)
    assert offer is not None
    offered = (HeldState.OFFERED,)
    connecting = held.advance(offer.caller, offered, HeldState.CONNECTING, at(minutes - 0.1))
    assert connecting is not None
    assert held.advance(connecting, (HeldState.CONNECTING,), HeldState.BRIDGED, at(minutes))


def history(store: QueueStore) -> None:
    """The day in the module's table, and what must not count."""
    held = HeldStore(store.engine)
    booked(store, 1, told(0, 0, 0, 0, 1))  # D
    connect_next(store, SUPPORT, 0.25, 0.5)
    booked(store, 2, told(1, 300, 120, 600, 10))  # A
    cancelled = booked(store, 3, told(2, 600, 300, 900, 15))  # C
    hold(held, "CA-B", 1, told(1, 120, 60, 200, source="hold"))
    hold(held, "CA-B", 3, told(3, 60, 30, 120, source="hold"))
    gone = held.by_sid(_sid(held, "CA-E", 2))
    left = held.by_sid(_sid(held, "CA-F", 2))
    assert gone is not None and left is not None
    assert held.finish_holding(left, HeldState.LEFT, at(3))
    assert held.finish_holding(gone, HeldState.ABANDONED, at(4))
    bridge_head(store.engine, 5)
    connect_next(store, SUPPORT, 6.5, 7)
    store.transition(cancelled, State.CANCELLED, at(20))
    _not_counted(store)


def _sid(held: HeldStore, sid: str, minutes: float) -> str:
    hold(held, sid, minutes, told(minutes, 300, 100, 500, source="hold"))
    return sid


def _not_counted(store: QueueStore) -> None:
    booked(store, 4, told(1, 60, 30, 90, 3, queue=SALES), SALES)
    connect_next(store, SALES, 2, 2.5)
    yesterday = booked(store, 5, told(-600, 60, 30, 90, -598))
    store.transition(yesterday, State.CANCELLED, at(-590))
    booked(store, 6, told(21, 60, 30, 90, 23))
