"""One hold round, one write transaction: the call on hold, the caller's place in the line,
the place announced and what the round told them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine

from callback.ordering import Position
from callback.store.announcements import Told
from callback.store.calls import CallRecord, get_in, set_hold_in
from callback.store.engine import write_transaction
from callback.store.held import Joining, join_in, tell_in
from callback.store.held_line import HeldCaller
from callback.store.places import Place, announce_in, held_position

T = TypeVar("T")


class HoldLedger:
    """The reads and writes of one hold round, on its transaction's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, call_sid: str) -> CallRecord | None:
        """The call leg `call_sid`, or None if it was never seen."""
        return get_in(self._connection, call_sid)

    def set_hold(self, call_sid: str, since: datetime, now: datetime) -> None:
        """Mark the call on hold since `since`."""
        set_hold_in(self._connection, call_sid, since, now)

    def join(self, joining: Joining, now: datetime) -> HeldCaller:
        """The caller's place in the line: made on their first round, kept on later ones."""
        return join_in(self._connection, joining, now)

    def position(self, place: Place, call_sid: str, now: datetime) -> Position:
        """The caller's position, explained if worse than last announced."""
        return held_position(self._connection, place, call_sid, now)

    def announce(self, call_sid: str, position: Position, now: datetime) -> None:
        """Remember the place announced, if it changed since the last one."""
        announce_in(self._connection, call_sid, position, now)

    def tell(self, caller: HeldCaller, told: Told) -> None:
        """Keep what the round told the caller, while they wait in the line."""
        tell_in(self._connection, caller, told)


class HoldRoundStore:
    """Runs a hold round's reads and writes in one write transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def run(self, work: Callable[[HoldLedger], T]) -> T:
        """`work` on a ledger whose writes commit together (or not at all)."""
        with write_transaction(self._engine) as connection:
            return work(HoldLedger(connection))
