"""A hold round on each backend: one write transaction for the call on hold, the caller's
place, the place announced and what they were told; all of it or nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from callback.config import SupervisorConfig, load_config
from callback.forecast import Measured
from callback.service.hold_round import HOLD_SOURCE, HoldRounds, Round
from callback.service.line import Line
from callback.store.announcements import ANNOUNCEMENT
from callback.store.calls import CallStore
from callback.store.engine import read_transaction
from callback.store.held import HeldStore
from callback.store.held_line import HeldState
from callback.store.hold_round import HoldRoundStore
from callback.store.places import ANNOUNCED
from callback.store.queue import QueueStore
from callback.store.tables import CALL_EVENT
from callback.types import QueueName
from tests.callback.config.test_loader import EXAMPLE
from tests.callback.service.test_booking import SUPPORT, NoPresence
from tests.callback.service.test_line import NoReturns
from tests.webhooks.conftest import MONDAY_10

SALES = QueueName("sales")
MINUTE = timedelta(minutes=1)
QUEUE_SID = "QU" + "7" * 32
WRITES = ("INSERT", "UPDATE", "DELETE")


class Measuring:
    """Measured handle times for every queue; remembers which queues were asked for."""

    def __init__(self) -> None:
        self.asked: list[QueueName] = []

    def get(self, queue: QueueName, now: datetime) -> Measured:
        self.asked.append(queue)
        return Measured(attempts=30, mean_handle=timedelta(minutes=4), unanswered=0, dials=30)


@pytest.fixture
def config() -> SupervisorConfig:
    """The example config (support and sales)."""
    return load_config(EXAMPLE)


@pytest.fixture
def measuring() -> Measuring:
    """The measured figures, watched."""
    return Measuring()


@pytest.fixture
def rounds(engine: Engine, measuring: Measuring) -> HoldRounds:
    """The hold rounds on a fresh database."""
    line = Line(QueueStore(engine), CallStore(engine), measuring, NoPresence(), NoReturns())
    return HoldRounds(HoldRoundStore(engine), line)


def _round(sid: str, queue_sid: str = QUEUE_SID) -> Round:
    return Round(sid, SUPPORT, queue_sid, "en", 0)


def writing_transactions(engine: Engine) -> list[int]:
    """Starts counting transactions that write; the list holds one entry per such commit."""
    current: dict[int, bool] = {}
    written: list[int] = []

    def begin(connection: Any) -> None:
        current[id(connection)] = False

    def statement(connection: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        if sql.lstrip().upper().startswith(WRITES):
            current[id(connection)] = True

    def commit(connection: Any) -> None:
        if current.pop(id(connection), False):
            written.append(1)

    event.listen(engine, "begin", begin)
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    return written


def _announced(engine: Engine, sid: str) -> list[str]:
    query = select(CALL_EVENT.c.status).where(
        CALL_EVENT.c.sid == sid, CALL_EVENT.c.kind == ANNOUNCED
    )
    with read_transaction(engine) as connection:
        return list(connection.execute(query.order_by(CALL_EVENT.c.id)).scalars())


def _told(engine: Engine) -> list[tuple[int | None, str]]:
    query = select(ANNOUNCEMENT.c.held_id, ANNOUNCEMENT.c.source).order_by(ANNOUNCEMENT.c.id)
    with read_transaction(engine) as connection:
        return [(row.held_id, row.source) for row in connection.execute(query)]


def test_a_round_writes_everything_in_one_transaction(
    engine: Engine, rounds: HoldRounds, config: SupervisorConfig
) -> None:
    rounds.wait(config, _round("CA-first"), MONDAY_10)
    written = writing_transactions(engine)
    standing = rounds.wait(config, _round("CA-second"), MONDAY_10 + MINUTE)
    assert len(written) == 1  # the hold, the place, the position announced and what was told
    assert standing is not None and standing.position.number == 2
    assert standing.forecast.estimate is not None
    caller = HeldStore(engine).by_sid("CA-second")
    assert caller is not None and caller.state is HeldState.HOLDING
    assert _announced(engine, "CA-second") == ["1"]
    record = CallStore(engine).get("CA-second")
    assert record is not None and record.hold_since == MONDAY_10 + MINUTE
    held_ids = [held_id for held_id, source in _told(engine) if source == HOLD_SOURCE]
    assert caller.id in held_ids


def test_a_later_round_keeps_the_place_and_the_hold_start(
    engine: Engine, rounds: HoldRounds, config: SupervisorConfig
) -> None:
    rounds.wait(config, _round("CA-one"), MONDAY_10)
    again = rounds.wait(config, _round("CA-one"), MONDAY_10 + MINUTE)
    assert again is not None and again.position.number == 1
    assert again.position.previous_ahead == 0
    assert _announced(engine, "CA-one") == ["0"]  # unchanged: announced once
    record = CallStore(engine).get("CA-one")
    assert record is not None and record.hold_since == MONDAY_10
    assert len(_told(engine)) == 2  # each round's words are kept


def test_a_round_that_fails_keeps_nothing(
    engine: Engine, rounds: HoldRounds, config: SupervisorConfig
) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE announcement")
    with pytest.raises(Exception, match="announcement"):
        rounds.wait(config, _round("CA-one"), MONDAY_10)
    assert HeldStore(engine).by_sid("CA-one") is None
    assert CallStore(engine).get("CA-one") is None
    assert _announced(engine, "CA-one") == []


def test_without_a_queue_sid_the_call_holds_but_takes_no_place(
    engine: Engine, rounds: HoldRounds, config: SupervisorConfig
) -> None:
    assert rounds.wait(config, _round("CA-one", queue_sid=""), MONDAY_10) is None
    record = CallStore(engine).get("CA-one")
    assert record is not None and record.hold_since == MONDAY_10
    assert HeldStore(engine).by_sid("CA-one") is None
    assert _announced(engine, "CA-one") == [] and _told(engine) == []


def test_a_caller_out_of_the_line_hears_no_place(
    engine: Engine, rounds: HoldRounds, config: SupervisorConfig
) -> None:
    rounds.wait(config, _round("CA-one"), MONDAY_10)
    caller = HeldStore(engine).by_sid("CA-one")
    assert caller is not None
    assert HeldStore(engine).finish_holding(caller, HeldState.LEFT, MONDAY_10) is not None
    told_before = _told(engine)
    assert rounds.wait(config, _round("CA-one"), MONDAY_10 + MINUTE) is None
    assert _told(engine) == told_before and _announced(engine, "CA-one") == ["0"]


def test_a_caller_moved_to_another_queue_is_forecast_in_its_line(
    engine: Engine, rounds: HoldRounds, config: SupervisorConfig, measuring: Measuring
) -> None:
    rounds.wait(config, _round("CA-one"), MONDAY_10)
    assert HeldStore(engine).move("CA-one", SALES, MONDAY_10)
    measuring.asked.clear()
    standing = rounds.wait(config, _round("CA-one"), MONDAY_10 + MINUTE)
    assert standing is not None and standing.position.number == 1
    assert measuring.asked == [SUPPORT, SALES]  # the link's queue first, then the caller's
    caller = HeldStore(engine).by_sid("CA-one")
    assert caller is not None and caller.queue == SALES


def test_a_round_with_no_estimate_announces_the_place_and_tells_no_wait(
    engine: Engine, rounds: HoldRounds, tmp_path: Path
) -> None:
    text = (
        EXAMPLE.read_text().replace("agents = 5", "agents = 0").replace("agents = 3", "agents = 0")
    )
    unstaffed = tmp_path / "unstaffed.toml"
    unstaffed.write_text(text.replace("agents = 2", "agents = 0"))
    standing = rounds.wait(load_config(unstaffed), _round("CA-one"), MONDAY_10)
    assert standing is not None and standing.forecast.estimate is None  # nobody to serve
    assert _announced(engine, "CA-one") == ["0"] and _told(engine) == []
