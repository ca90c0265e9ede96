"""Config reloads and lease sweeps, counted by the jobs the app wires into its ticker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from prometheus_client import generate_latest
from starlette.testclient import TestClient

from callback.config import ConfigHolder
from callback.store import QueueStore, make_engine
from callback.types import QueueName
from scheduler.config_reload import reload_job
from tests.callback.store.support import claim_next, incoming, number
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.metrics.scrape import parse, value
from webhooks.metrics import CountedReload, Metrics, counted_sweep
from webhooks.services import Services


def _reloads(metrics: Metrics, result: str) -> float | None:
    text = generate_latest(metrics.registry).decode()
    return value(parse(text), "holdless_config_reloads_total", result=result)


def test_each_applied_edit_and_each_new_refusal_counts_once(
    sqlite_url: str, config_file: Path
) -> None:
    holder = ConfigHolder(config_file, MONDAY_10)
    metrics = Metrics()
    job = CountedReload(
        reload_job(holder, QueueStore(make_engine(sqlite_url)), lambda: MONDAY_10), metrics
    )
    good = config_file.read_text()
    config_file.write_text(good + "\n# an edit\n")
    job()
    assert (_reloads(metrics, "applied"), _reloads(metrics, "refused")) == (1, 0)
    config_file.write_text("[queues\n")
    job()
    config_file.write_text("[queues\n")  # saved again, same mistake: polled, not recounted
    job()
    job()
    assert (_reloads(metrics, "applied"), _reloads(metrics, "refused")) == (1, 1)
    config_file.write_text("[queues.\n")  # another mistake
    job()
    config_file.write_text(good)
    job()
    assert (_reloads(metrics, "applied"), _reloads(metrics, "refused")) == (2, 2)


def test_a_sweep_is_counted_with_the_requests_it_put_back(
    make_client: Callable[..., TestClient],
) -> None:
    times = [MONDAY_10]
    client = make_client(clock=lambda: times[-1])
    svc: Services = client.app_state["services"]
    queue = QueueName("support")
    svc.store.enqueue(queue, number(1), incoming(0), times[-1])
    assert claim_next(svc.store, queue, times[-1], timedelta(seconds=90)) is not None
    sweep = counted_sweep(svc.dispatcher.sweep, svc.clock, svc.metrics)
    assert sweep() == 0  # the lease still runs
    times.append(MONDAY_10 + timedelta(minutes=5))
    assert sweep() == 1
    samples = parse(client.get("/metrics").text)
    assert value(samples, "holdless_lease_sweeps_total") == 2
    assert value(samples, "holdless_lease_sweep_returned_total") == 1
