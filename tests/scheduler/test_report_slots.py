"""The ticker's job keeps every queue's closed report slots against its own target."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from callback.config.reload import ConfigHolder
from callback.store.engine import read_transaction
from callback.store.report_slots import CHUNK, REPORT_SLOT, ReportSlots
from scheduler.report_slots import close_slots_job

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_each_queue_of_the_config_gets_a_day_of_slots_per_run(engine: Engine) -> None:
    holder = ConfigHolder(EXAMPLE, NOW)
    job = close_slots_job(holder, ReportSlots(engine), lambda: NOW)
    assert job() == CHUNK * len(holder.current.queues)
    c = REPORT_SLOT.c
    with read_transaction(engine) as connection:
        kept = set(connection.execute(select(c.queue, c.target_ms).distinct()).all())
    queues = holder.current.queues.items()
    assert kept == {(name, q.service_level_target.total_seconds() * 1000) for name, q in queues}
