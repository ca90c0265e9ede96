"""The reports benchmark's database holds what it says, and every case it times answers."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from starlette.testclient import TestClient

from bench.console import ROOT
from bench.reports import FIRST, LAST, NOW, build, measure
from callback.report import Grain, total
from callback.store import make_engine
from callback.types import QueueName
from settings import Settings
from webhooks.app import create_app
from webhooks.console.reports import Wanted, compute

_COUNT = """
SELECT count(*) FROM callback_request
WHERE queue = 'support' AND state = :state AND finished_at >= :start AND finished_at < :end
"""


def test_the_bench_database_and_its_cases(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    build(url, history=3_000, days=30.0)
    config = tmp_path / "holdless.toml"
    shutil.copyfile(ROOT / "holdless.example.toml", config)
    settings = Settings(_env_file=None, database_url=url, config_file=config, carrier="simulated")
    with TestClient(create_app(settings, clock=lambda: NOW, ticker=False)) as client:
        svc = client.app_state["services"]
        wanted = Wanted(QueueName("support"), FIRST, LAST, Grain.DAY)
        rows = compute(svc, wanted)
    # London is on UTC in February: the report's local days are UTC days.
    midnight = NOW.replace(hour=0)
    span_micros = {
        "start": int((midnight - (NOW.date() - FIRST)).timestamp() * 1_000_000),
        "end": int(midnight.timestamp() * 1_000_000),
    }
    engine = make_engine(url)
    with engine.connect() as connection:
        counted = connection.execute(text(_COUNT), span_micros | {"state": "completed"})
        completed = counted.scalar_one()
    engine.dispose()
    whole = total(rows)
    assert len(rows) == 30
    assert whole.completed == completed > 0
    assert whole.ratings > 0
    assert whole.estimated == whole.completed
    timings = measure(url, config, runs=1)
    assert len(timings) == 7
    assert all(min(wall) > 0 and len(cpu) == 1 for wall, cpu in timings.values())
