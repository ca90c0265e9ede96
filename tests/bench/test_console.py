"""The console benchmark's database holds what it says, and every case it times answers."""

from __future__ import annotations

import shutil
from pathlib import Path

from starlette.testclient import TestClient

from bench.console import NOW, ROOT, build, compare, measure
from settings import Settings
from webhooks.app import create_app
from webhooks.console.board import snapshot


def test_the_bench_database_and_its_cases(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    build(url, waiting=100, history=5_000)
    config = tmp_path / "holdless.toml"
    shutil.copyfile(ROOT / "holdless.example.toml", config)
    settings = Settings(_env_file=None, database_url=url, config_file=config, carrier="simulated")
    with TestClient(create_app(settings, clock=lambda: NOW, ticker=False)) as client:
        fields = snapshot(client.app_state["services"], NOW)
    # Support has the even waiting rows and the history rows whose number is not a multiple
    # of 3; one in ten of the history is cancelled (after a dial), the rest completed.
    assert fields["support.line"] == "50"
    assert fields["support.offered"] == str(50 + 3_334)
    assert fields["support.completed"] == str(3_334 - 334)
    assert fields["support.abandoned"] == "0"
    timings = measure(url, config, runs=2)
    assert all(len(times) == 2 and min(times) > 0 for times in timings.values())
    assert len(timings) == 8


def test_both_databases_hold_the_same_day_and_answer_before_and_after(
    db_url: str, tmp_path: Path
) -> None:
    # The PostgreSQL history is its own SQL: it must give the board the figures SQLite's gives.
    build(db_url, waiting=100, history=5_000)
    config = tmp_path / "holdless.toml"
    shutil.copyfile(ROOT / "holdless.example.toml", config)
    settings = Settings(
        _env_file=None, database_url=db_url, config_file=config, carrier="simulated"
    )
    with TestClient(create_app(settings, clock=lambda: NOW, ticker=False)) as client:
        fields = snapshot(client.app_state["services"], NOW)
    assert (fields["support.line"], fields["support.offered"]) == ("50", str(50 + 3_334))
    assert fields["support.completed"] == str(3_334 - 334)
    timings = compare(db_url, config, runs=1)
    assert len(timings) == 8
    assert all(len(before) == len(after) == 1 for before, after in timings.values())
