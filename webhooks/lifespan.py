"""The app's lifespan: what starts with the process and stops with it, in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from prometheus_client.registry import Collector
from starlette.applications import Starlette

from callback.carrier import Telephony
from callback.service.ports import Notifier
from callback.store.figures import FiguresStore
from scheduler.dispatch_lock import InstanceLock, lock_path
from scheduler.ticker import build_ticker
from settings import Settings
from webhooks.api.state import build_api_state
from webhooks.assembly import build_services
from webhooks.call_log import CallLog
from webhooks.carrier_choice import agents_on_duty, simulation, telephony_for
from webhooks.jobs import jobs
from webhooks.metrics import LineCollector, Metrics
from webhooks.metrics.accuracy import AccuracyCollector
from webhooks.services import Clock, Services
from webhooks.sms_sender import TelephonySms

log = logging.getLogger("holdless.app")

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[dict[str, object]]]


@dataclass(frozen=True, slots=True)
class Wiring:
    """What `create_app` was given: the settings and what tests may replace."""

    settings: Settings
    clock: Clock
    ticker: bool
    simulating: bool
    metrics: Metrics
    notifier: Notifier | None = None
    telephony: Telephony | None = None
    call_log: CallLog | None = None


def lifespan(wiring: Wiring) -> Lifespan:
    """Build the services, start the ticker and the simulation; stop them on shutdown."""
    settings, metrics = wiring.settings, wiring.metrics

    @asynccontextmanager
    async def running(app: Starlette) -> AsyncIterator[dict[str, object]]:
        lock = _instance_lock(settings) if wiring.ticker else None
        simulated = simulation(settings) if wiring.simulating and wiring.telephony is None else None
        app.state.simulation = simulated  # for tools and tests that watch the carrier
        app.state.call_log = wiring.call_log or simulated  # /dev/calls (simulated only)
        phone = telephony_for(settings, wiring.telephony, simulated)
        svc = build_services(settings, wiring.clock, wiring.notifier, phone, metrics)
        collectors = _collectors(svc)
        for collector in collectors:
            metrics.registry.register(collector)
        if simulated is not None:
            agents_on_duty(svc)
        api = build_api_state(svc)
        scheduler = build_ticker(jobs(svc, api)) if wiring.ticker else None
        if scheduler is not None:
            scheduler.start()
        log.info("holdless ready: carrier=%s database=%s", settings.carrier, _db_kind(settings))
        try:
            yield {"services": svc, "api": api}
        finally:
            await api.http.aclose()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if simulated is not None:
                await simulated.stop()
            if isinstance(svc.notifier, TelephonySms):
                svc.notifier.close()
            for collector in collectors:
                metrics.registry.unregister(collector)
            svc.store.close()
            if lock is not None:
                lock.release()

    return running


def _collectors(svc: Services) -> list[Collector]:
    # Counters read from the database count from now, as a process's own counters would.
    config = svc.config
    figures = LineCollector(
        FiguresStore(svc.store.engine), lambda: list(config.current.queues), svc.clock, svc.clock()
    )
    accuracy = AccuracyCollector(svc.accuracy, lambda: config.current, svc.clock)
    return [figures, accuracy]


def _instance_lock(settings: Settings) -> InstanceLock | None:
    # Only a dispatching instance (one with a ticker) must be alone on a SQLite file.
    path = lock_path(settings.database_url)
    if path is None:
        return None
    lock = InstanceLock(path)
    lock.acquire()
    return lock


def _db_kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"
