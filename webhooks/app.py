"""The application factory and its lifespan: the one place concrete adapters are built."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from callback.carrier import HeldCalls, Telephony
from callback.config import builtin_catalogue, load_config
from callback.config.reload import ConfigHolder
from callback.service.admission import KEEP_COUNTS
from callback.service.booking import Bookings
from callback.service.held import HeldService
from callback.service.hold_round import HoldRounds
from callback.service.line import Line
from callback.service.ports import Notifier
from callback.service.settle import Settler
from callback.store.abuse import AbuseStore
from callback.store.announcements import AccuracyStore
from callback.store.booking import BookingStore
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore
from callback.store.engine import make_engine
from callback.store.events import EventStore
from callback.store.figures import FiguresStore
from callback.store.held import HeldStore
from callback.store.hold_round import HoldRoundStore
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.queue import QueueStore
from callback.store.settling import SettleStore
from callback.store.verification import VerificationStore
from callback.store.voicemails import VoicemailStore
from callback.types import AgentId
from ivr.links import Links
from scheduler.config_reload import reload_job
from scheduler.dispatch_lock import InstanceLock, lock_path
from scheduler.dispatcher import Dispatcher
from scheduler.events import EventDelivery, state_change_job
from scheduler.promises import CHECK_SECONDS, PromiseCheck
from scheduler.retention import retention_job
from scheduler.ticker import Job, build_ticker
from settings import Settings
from telephony import TwilioTelephony, build_client
from webhooks.api.errors import http_error
from webhooks.api.routes import api_routes
from webhooks.api.state import ApiState, build_api_state
from webhooks.call_log import CallLog
from webhooks.console.routes import console_routes
from webhooks.devsite import dev_routes, dev_site_extension
from webhooks.health import healthz
from webhooks.hosted import hosted_routes
from webhooks.measured import MeasuredCache, PresenceCache, ReturnsCache
from webhooks.metrics import (
    CountedReload,
    LineCollector,
    Metrics,
    RouteTimer,
    counted_sweep,
    metrics_endpoint,
)
from webhooks.metrics.accuracy import AccuracyCollector
from webhooks.services import Clock, Services, system_clock
from webhooks.simulation import Simulation, offline_telephony, start_simulation
from webhooks.sms_sender import TelephonySms, sms_recorder
from webhooks.twilio.arrivals import Arrivals
from webhooks.twilio.notify import LogNotifier
from webhooks.twilio.routes import twilio_routes
from webhooks.twilio.signature import checker_for
from webhooks.widget.routes import widget_routes

log = logging.getLogger("holdless.app")

CONFIG_POLL_SECONDS = 2.0
CHECKPOINT_SECONDS = 5.0
DISPATCH_SECONDS = 1.0
LEASE_SWEEP_SECONDS = 15.0
EVENT_SCAN_SECONDS = 5.0
DELIVERY_SECONDS = 5.0


def build_services(
    settings: Settings,
    clock: Clock,
    notifier: Notifier | None = None,
    telephony: Telephony | None = None,
    metrics: Metrics | None = None,
) -> Services:
    """Database, stores, the live config, the signature checker, telephony and metrics."""
    engine = make_engine(settings.database_url)
    holder = ConfigHolder(settings.config_file, clock(), extend=dev_site_extension(settings))
    telephony = telephony or real_telephony(settings)
    notifier = notifier or _sms(settings, holder, telephony, engine, clock)
    store, calls, presence = QueueStore(engine), CallStore(engine), PresenceStore(engine)
    settler = Settler(SettleStore(engine), store, calls)
    held_calls = telephony if isinstance(telephony, HeldCalls) else None
    held = HeldService(HeldStore(engine), held_calls)
    dispatcher = Dispatcher(
        store=store,
        claims=DispatchStore(engine),
        presence=presence,
        calls=calls,
        config=holder,
        telephony=telephony,
        links=Links(str(settings.public_base_url).rstrip("/")),
        clock=clock,
        settler=settler,
        http_timeout=timedelta(seconds=settings.twilio_http_timeout),
        # Without the Queue Members resource nobody can be dequeued: claim no caller on hold.
        held=held if held_calls is not None else None,
    )
    measured, abuse = MeasuredCache(store), AbuseStore(engine)
    staffed = PresenceCache(presence)  # one cache: the line and the bookings agree
    line = Line(store, calls, measured, staffed, ReturnsCache(store))
    svc = Services(
        settings=settings,
        store=store,
        config=holder,
        clock=clock,
        calls=calls,
        signatures=checker_for(settings),
        notifier=notifier,
        telephony=telephony,
        presence=presence,
        dispatcher=dispatcher,
        measured=measured,
        voicemails=VoicemailStore(engine),
        arrivals=Arrivals(calls, inline=settings.is_sqlite),
        settler=settler,
        held=held,
        abuse=abuse,
        line=line,
        holds=HoldRounds(HoldRoundStore(engine), line),
        bookings=Bookings(BookingStore(abuse), measured, notifier, staffed),
        accuracy=AccuracyStore(engine),
        metrics=metrics or Metrics(),
    )
    return svc


def real_telephony(settings: Settings) -> Telephony:
    """Twilio's REST API with the configured credentials; refused without them."""
    if settings.twilio_account_sid is None or settings.twilio_auth_token is None:
        raise ValueError("no Twilio credentials: pass a telephony or run the simulation")
    client = build_client(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token.get_secret_value(),
        api_url=str(settings.twilio_api_url).rstrip("/"),
        timeout_s=settings.twilio_http_timeout,
    )
    return TwilioTelephony(client)


def _sms(
    settings: Settings, holder: ConfigHolder, telephony: Telephony, engine: Engine, clock: Clock
) -> Notifier:
    numbers = holder.current.service.numbers
    if not numbers:
        return LogNotifier()
    status = str(settings.public_base_url).rstrip("/") + "/twilio/sms-status"
    return TelephonySms(telephony, numbers[0], status, sms_recorder(engine, clock))


def _jobs(svc: Services) -> list[Job]:
    return [
        Job(
            "config-reload",
            CountedReload(reload_job(svc.config, svc.store, svc.clock), svc.metrics),
            CONFIG_POLL_SECONDS,
        ),
        # Folding SQLite's log in the background keeps that disk work off request latency.
        Job("db-checkpoint", svc.store.checkpoint, CHECKPOINT_SECONDS),
        Job(
            "retention-purge",
            retention_job(svc.config, svc.store, svc.voicemails, svc.clock),
            svc.config.current.retention.purge_interval.total_seconds(),
        ),
        Job("dispatch", svc.dispatcher.run, DISPATCH_SECONDS),
        Job(
            "lease-sweep",
            counted_sweep(svc.dispatcher.sweep, svc.clock, svc.metrics),
            LEASE_SWEEP_SECONDS,
        ),
        *_event_jobs(svc),
    ]


def _event_jobs(svc: Services) -> list[Job]:
    # Own jobs with their own short transactions: a slow receiver never delays a dial.
    events = EventStore(svc.store.engine)
    check = PromiseCheck(svc.config, events, svc.calls, svc.notifier, svc.clock)
    return [
        Job("promise-check", check.run, CHECK_SECONDS),
        Job("event-scan", state_change_job(svc.config, events, svc.clock), EVENT_SCAN_SECONDS),
        Job("event-delivery", EventDelivery(svc.config, events, svc.clock).run, DELIVERY_SECONDS),
    ]


def _forget_job(svc: Services, api: ApiState) -> Job:
    verifications = VerificationStore(svc.store.engine)

    def forget() -> None:
        now = svc.clock()
        api.abuse.forget(now - KEEP_COUNTS)
        # Held web requests whose code was never entered hold a number nobody confirmed.
        verifications.forget_expired(now)

    return Job("abuse-forget", forget, LEASE_SWEEP_SECONDS * 4)


def _instance_lock(settings: Settings) -> InstanceLock | None:
    # Only a dispatching instance (one with a ticker) must be alone on a SQLite file.
    path = lock_path(settings.database_url)
    if path is None:
        return None
    lock = InstanceLock(path)
    lock.acquire()
    return lock


def _agents_on_duty(svc: Services) -> None:
    # The simulated carrier answers every roster endpoint: its agents start available.
    now = svc.clock()
    agents = [AgentId(agent.id) for agent in svc.config.current.agents]
    svc.presence.sync_roster(agents, now)
    for agent in agents:
        off = AgentStatus.OFFLINE
        svc.presence.set_status(agent, off, AgentStatus.AVAILABLE, now, "simulation")


def create_app(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    ticker: bool = True,
    notifier: Notifier | None = None,
    telephony: Telephony | None = None,
    simulate: bool | None = None,
    call_log: CallLog | None = None,
) -> Starlette:
    """A fresh application for `settings`; tests pass a fixed clock and may skip the ticker.

    With `carrier = "simulated"` the simulated carrier plays Twilio (`simulate`, on by default
    when the ticker runs); tests may pass their own `telephony` and `notifier` instead, and
    the `call_log` of their own carrier for `/dev/calls`.
    """
    simulating = settings.carrier == "simulated" and (ticker if simulate is None else simulate)
    metrics = Metrics()  # this app's own registry: two apps in one process share no counter

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, object]]:
        lock = _instance_lock(settings) if ticker else None
        simulation = _simulation(settings) if simulating and telephony is None else None
        app.state.simulation = simulation  # for tools and tests that watch the carrier
        app.state.call_log = call_log or simulation  # /dev/calls (simulated carrier only)
        phone = telephony or (
            TwilioTelephony(simulation.twilio_client()) if simulation else _offline(settings)
        )
        svc = build_services(settings, clock, notifier, phone, metrics)
        figures = _figures(svc)
        metrics.registry.register(figures)
        accuracy = AccuracyCollector(svc.accuracy, lambda: svc.config.current, svc.clock)
        metrics.registry.register(accuracy)
        if simulation is not None:
            _agents_on_duty(svc)
        api = build_api_state(svc)
        scheduler = build_ticker([*_jobs(svc), _forget_job(svc, api)]) if ticker else None
        if scheduler is not None:
            scheduler.start()
        log.info("holdless ready: carrier=%s database=%s", settings.carrier, _db_kind(settings))
        try:
            yield {"services": svc, "api": api}
        finally:
            await api.http.aclose()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if simulation is not None:
                await simulation.stop()
            if isinstance(svc.notifier, TelephonySms):
                svc.notifier.close()
            metrics.registry.unregister(figures)
            metrics.registry.unregister(accuracy)
            svc.store.close()
            if lock is not None:
                lock.release()

    routes = [
        # First: routes are tried in order, and Twilio's webhooks are the busiest by far.
        *twilio_routes(),
        Route("/healthz", healthz, methods=["GET"]),
        Route(
            "/metrics", metrics_endpoint(metrics.registry, settings.metrics_token), methods=["GET"]
        ),
        *widget_routes(builtin_catalogue()),
        *console_routes(settings),
        *hosted_routes(),
        *dev_routes(settings),  # simulated carrier only
        *api_routes(),  # last: its mount takes every /api/v1 path
    ]
    timer = Middleware(RouteTimer, metrics=metrics, routes=routes)
    errors = {HTTPException: http_error}
    return Starlette(
        routes=routes, lifespan=lifespan, middleware=[timer], exception_handlers=errors
    )


def _figures(svc: Services) -> LineCollector:
    # Counters read from the database count from now, as a process's own counters would.
    config = svc.config
    return LineCollector(
        FiguresStore(svc.store.engine), lambda: list(config.current.queues), svc.clock, svc.clock()
    )


def _simulation(settings: Settings) -> Simulation:
    return start_simulation(settings, load_config(settings.config_file))


def _offline(settings: Settings) -> Telephony:
    # Only a chosen simulation gets the stand-in; anything else needs real credentials.
    if settings.carrier == "simulated":
        return offline_telephony(settings)
    return real_telephony(settings)


def _db_kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"
