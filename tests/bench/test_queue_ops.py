"""The queue benchmark's claim and settle rows time the dispatcher's path, not a shortcut."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench.queue_ops import OPERATIONS, Size, load_waiting, run_operations
from callback.store import QueueStore, make_engine, upgrade
from callback.store.tables import ATTEMPT, PRESENCE_CHANGE, REQUEST


def test_each_timed_claim_holds_an_agent_and_each_settle_completes_its_request(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    size = Size(waiting=40, operations=12, history=0)
    try:
        load_waiting(engine, size)
        timings = run_operations([QueueStore(engine)], size)
        with engine.connect() as connection:
            completed = connection.execute(
                select(func.count()).where(REQUEST.c.state == "completed")
            ).scalar_one()
            agents = connection.execute(select(ATTEMPT.c.agent_id).distinct()).scalars().all()
            offers = connection.execute(
                select(func.count()).where(PRESENCE_CHANGE.c.cause == "offer")
            ).scalar_one()
    finally:
        engine.dispose()
    assert [len(timings[0][name]) for name in OPERATIONS] == [12] * 4
    assert completed == 12
    assert None not in agents and len(agents) == 8  # every claim held one of the roster's agents
    assert offers == 12  # the dispatcher's claim took each agent in the same transaction
