"""The estimate's accuracy today in the metrics text, read back with prometheus-client's parser,
on SQLite and PostgreSQL, and from the running app's `GET /metrics`."""

from __future__ import annotations

from math import sqrt
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.config import load_config
from callback.store import QueueStore, make_engine
from callback.store.announcements import AccuracyStore
from settings import Settings
from tests.callback.store.accuracy_history import history
from tests.webhooks.conftest import EXAMPLE, MONDAY_10
from tests.webhooks.metrics.scrape import Samples, parse, series, value
from webhooks.app import create_app
from webhooks.metrics.accuracy import AccuracyCollector

FIRST = {"queue": "support", "announcement": "first"}
EVERY = {"queue": "support", "announcement": "every"}


def _scrape(engine: Engine) -> Samples:
    config = load_config(EXAMPLE)
    registry = CollectorRegistry()
    registry.register(AccuracyCollector(AccuracyStore(engine), lambda: config, lambda: MONDAY_10))
    return parse(generate_latest(registry).decode())


def test_the_figures_of_the_day_per_queue_and_kind(store: QueueStore, engine: Engine) -> None:
    history(store)
    samples = _scrape(engine)
    assert value(samples, "holdless_estimate_reached", **FIRST) == 3
    assert value(samples, "holdless_estimate_gave_up", **FIRST) == 2
    assert value(samples, "holdless_estimate_bias_seconds", **FIRST) == pytest.approx(70)
    assert value(samples, "holdless_estimate_rmse_seconds", **FIRST) == pytest.approx(sqrt(6300))
    kept = value(samples, "holdless_estimate_promises_kept_ratio", **FIRST)
    assert kept == pytest.approx(2 / 3)
    inside = value(samples, "holdless_estimate_inside_range_ratio", **FIRST)
    assert inside == pytest.approx(1 / 2)
    assert value(samples, "holdless_estimate_reached", **EVERY) == 4
    assert value(samples, "holdless_estimate_bias_seconds", **EVERY) == pytest.approx(67.5)
    assert value(samples, "holdless_estimate_rmse_seconds", **EVERY) == pytest.approx(75)


def test_a_queue_with_nothing_judged_reports_counts_not_a_perfect_score(engine: Engine) -> None:
    samples = _scrape(engine)
    assert value(samples, "holdless_estimate_reached", **FIRST) == 0
    assert series(samples, "holdless_estimate_bias_seconds") == []
    assert series(samples, "holdless_estimate_promises_kept_ratio") == []


def test_a_database_that_does_not_answer_leaves_the_families_out(tmp_path: Path) -> None:
    gone = make_engine(f"sqlite:///{tmp_path / 'missing' / 'holdless.db'}")
    assert _scrape(gone) == {}


def test_the_app_serves_them_at_metrics(settings: Settings) -> None:
    with TestClient(create_app(settings, clock=lambda: MONDAY_10, ticker=False)) as client:
        history(client.app_state["services"].store)
        samples = parse(client.get("/metrics").text)
    assert value(samples, "holdless_estimate_bias_seconds", **FIRST) == pytest.approx(70)
    sales = {"queue": "sales", "announcement": "first"}
    assert value(samples, "holdless_estimate_reached", **sales) == 1
