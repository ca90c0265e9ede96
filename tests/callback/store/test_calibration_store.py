"""The judged announcements calibration learns from, read from the store, per kind."""

from __future__ import annotations

from datetime import timedelta

from callback.calibration import Seen, calibrate, would_promise
from callback.store import QueueStore
from callback.store.calibration import levels, seen
from callback.store.engine import read_transaction
from tests.callback.store.accuracy_history import MIDNIGHT, history
from tests.callback.store.support import SUPPORT, at


def test_the_reached_first_announcements_are_read_per_kind(store: QueueStore) -> None:
    history(store)
    with read_transaction(store.engine) as connection:
        callbacks = seen(connection, SUPPORT, MIDNIGHT, at(30), callbacks=True)
        live = seen(connection, SUPPORT, MIDNIGHT, at(30), callbacks=False)
        learned = levels(connection, SUPPORT, MIDNIGHT, at(30))
        # Before anyone was reached nothing is learned: the model keeps its own levels.
        nothing = levels(connection, SUPPORT, MIDNIGHT, at(0.4))
    # A (reached at 7, promised by 10) then D (reached at 0.5, by 1); C gave up: not judged.
    assert callbacks == [Seen(300, 120, 600, 540, 360), Seen(0, 0, 0, 60, 30)]
    # B's first round only (told at 1, bridged at 5); E hung up and F left: not judged.
    assert live == [Seen(120, 60, 200, would_promise(at(1), 200), 240)]
    assert learned == (calibrate(live, told=False), calibrate(callbacks))
    assert nothing == (None, None)


def test_the_measured_figures_carry_the_learned_levels(store: QueueStore) -> None:
    history(store)
    measured = store.measured(SUPPORT, MIDNIGHT, at(30))
    assert measured.live is not None and measured.callbacks is not None
    # B waited past the high of its range: the high's level rises.
    assert measured.live.high > 0.9
    assert store.measured(SUPPORT, at(30), at(30) + timedelta(hours=1)).live is None


def test_a_hold_promise_is_the_one_its_high_makes() -> None:
    assert would_promise(at(1), 200) == 240  # 09:01 + 200 s rounds up to 09:05
