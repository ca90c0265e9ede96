"""The application factory and its lifespan: the one place concrete adapters are built."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from callback.config.reload import ConfigHolder
from callback.store.calls import CallStore
from callback.store.engine import make_engine
from callback.store.queue import QueueStore
from scheduler.config_reload import reload_job
from scheduler.retention import retention_job
from scheduler.ticker import Job, build_ticker
from settings import Settings
from webhooks.health import healthz
from webhooks.queue_state import queue_state
from webhooks.services import Clock, Services, system_clock
from webhooks.twilio.notify import LogNotifier, Notifier
from webhooks.twilio.routes import twilio_routes
from webhooks.twilio.signature import checker_for

log = logging.getLogger("holdless.app")

CONFIG_POLL_SECONDS = 2.0
CHECKPOINT_SECONDS = 5.0


def build_services(settings: Settings, clock: Clock, notifier: Notifier | None = None) -> Services:
    """Database, stores, the live config and the signature checker, from the settings."""
    engine = make_engine(settings.database_url)
    holder = ConfigHolder(settings.config_file, clock())
    return Services(
        settings=settings,
        store=QueueStore(engine),
        config=holder,
        clock=clock,
        calls=CallStore(engine),
        signatures=checker_for(settings),
        notifier=notifier or LogNotifier(),
    )


def _jobs(svc: Services) -> list[Job]:
    return [
        Job("config-reload", reload_job(svc.config, svc.store, svc.clock), CONFIG_POLL_SECONDS),
        # Folding SQLite's log in the background keeps that disk work off request latency.
        Job("db-checkpoint", svc.store.checkpoint, CHECKPOINT_SECONDS),
        Job(
            "retention-purge",
            retention_job(svc.config, svc.store, svc.clock),
            svc.config.current.retention.purge_interval.total_seconds(),
        ),
    ]


def create_app(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    ticker: bool = True,
    notifier: Notifier | None = None,
) -> Starlette:
    """A fresh application for `settings`; tests pass a fixed clock and may skip the ticker.

    `notifier` sends SMS; until the Twilio SMS adapter is wired in, messages are only logged.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, object]]:
        svc = build_services(settings, clock, notifier)
        scheduler = build_ticker(_jobs(svc)) if ticker else None
        if scheduler is not None:
            scheduler.start()
        log.info("holdless ready: carrier=%s database=%s", settings.carrier, _db_kind(settings))
        try:
            yield {"services": svc}
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            svc.store.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/queues", queue_state, methods=["GET"]),
        *twilio_routes(),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _db_kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"
