"""One queue's day for `GET /api/v1/queues`: both halves of the line, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from callback.store import QueueStore
from callback.store.dispatching import DispatchStore
from callback.store.held import HeldStore
from callback.store.held_line import HeldState
from callback.store.queue_day import QueueDay, Waits, queue_day
from callback.store.voicemails import Recording, VoicemailStore
from callback.types import Channel
from tests.callback.store.support import SALES, SUPPORT, T0, at, incoming, number
from tests.callback.store.test_held_line import AGENTS, _joining, _offer, _on_duty
from tests.callback.store.test_today import _history

MIDNIGHT = T0.replace(hour=0)


def _served(held: HeldStore, claims: DispatchStore, n: int, joined: float, claimed: float) -> None:
    sid = f"CA-served-{n}"
    held.join(_joining(sid, joined), at(joined))
    claim = claims.offer(_offer(AGENTS[n], callbacks=0), at(claimed)).held
    assert claim is not None and claim.caller.call_sid == sid
    assert held.end(claim.caller, HeldState.SERVED, "connected", at(claimed + 1)) is not None


def _hold_history(engine: Engine) -> None:
    """Two served from hold (waits 4 and 1 minutes), one hung up, one still holding, one
    voicemail today, one yesterday's, one in another queue."""
    held, claims = HeldStore(engine), DispatchStore(engine)
    _on_duty(engine, AGENTS[0], AGENTS[1])
    _served(held, claims, 0, 40, 44)
    _served(held, claims, 1, 46, 47)
    gone = held.join(_joining("CA-c", 48), at(48))
    assert held.finish_holding(gone, HeldState.ABANDONED, at(50)) is not None
    held.join(_joining("CA-d", 52), at(52))
    mails = VoicemailStore(engine)
    for sid, queue, minute in (
        ("CA-v1", SUPPORT, 20),
        ("CA-v2", SUPPORT, -600),
        ("CA-v3", SALES, 5),
    ):
        mails.keep(Recording(sid, queue, "en", "https://example.test/r", 6), at(minute))


def test_the_day_counts_callers_on_hold_and_callbacks(store: QueueStore, engine: Engine) -> None:
    _history(store, engine)
    _hold_history(engine)
    day = queue_day(engine, SUPPORT, MIDNIGHT, at(60))
    assert day.from_hold == Waits(2, 5 * 60.0, 4 * 60.0)
    assert day.callbacks == Waits(2, 30 + 180.0, 180.0)
    assert day.reached == Waits(4, 30 + 180 + 300.0, 240.0)
    assert day.reached.average_s == pytest.approx(510 / 4)
    assert (day.abandoned_on_hold, day.callbacks_unserved, day.voicemails) == (1, 1, 1)
    assert (day.promises_kept, day.promises_broken) == (1, 1)
    assert day.booked == {Channel.WEB.value: 4}


def test_a_later_start_and_another_queue_see_only_their_own(
    store: QueueStore, engine: Engine
) -> None:
    _history(store, engine)
    _hold_history(engine)
    late = queue_day(engine, SUPPORT, at(45), at(60))
    assert late.from_hold == Waits(2, 300.0, 240.0)  # served after 45 though they joined before
    assert late.callbacks == Waits() and late.voicemails == 0
    assert queue_day(engine, SALES, MIDNIGHT, at(60)).voicemails == 1


def test_an_empty_day_has_no_waits(engine: Engine) -> None:
    day = queue_day(engine, SUPPORT, MIDNIGHT, at(60))
    assert day == QueueDay()
    assert day.reached.average_s is None and day.reached.longest_s is None
    store = QueueStore(engine)
    store.enqueue(SUPPORT, number(9), incoming(1, channel=Channel.IVR), at(1))
    assert queue_day(engine, SUPPORT, MIDNIGHT, at(60)).booked == {"ivr": 1}
