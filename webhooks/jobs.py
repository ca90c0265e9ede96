"""The ticker's periodic jobs and how often each runs."""

from __future__ import annotations

from callback.service.admission import KEEP_COUNTS
from callback.store.events import EventStore
from callback.store.report_slots import ReportSlots
from callback.store.verification import VerificationStore
from scheduler.config_reload import reload_job
from scheduler.events import EventDelivery, state_change_job
from scheduler.promises import CHECK_SECONDS, PromiseCheck
from scheduler.report_slots import CLOSE_SECONDS, close_slots_job
from scheduler.retention import retention_job
from scheduler.ticker import Job
from webhooks.api.state import ApiState
from webhooks.metrics import CountedReload, counted_sweep
from webhooks.services import Services

CONFIG_POLL_SECONDS = 2.0
CHECKPOINT_SECONDS = 5.0
DISPATCH_SECONDS = 1.0
LEASE_SWEEP_SECONDS = 15.0
EVENT_SCAN_SECONDS = 5.0
DELIVERY_SECONDS = 5.0


def jobs(svc: Services, api: ApiState) -> list[Job]:
    """Every job of a dispatching instance."""
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
        _forget_job(svc, api),
    ]


def _event_jobs(svc: Services) -> list[Job]:
    # Own jobs with their own short transactions: a slow receiver never delays a dial.
    events = EventStore(svc.store.engine)
    check = PromiseCheck(svc.config, events, svc.calls, svc.notifier, svc.clock)
    return [
        Job("promise-check", check.run, CHECK_SECONDS),
        Job("event-scan", state_change_job(svc.config, events, svc.clock), EVENT_SCAN_SECONDS),
        Job("event-delivery", EventDelivery(svc.config, events, svc.clock).run, DELIVERY_SECONDS),
        Job(
            "report-slots",
            close_slots_job(svc.config, ReportSlots(svc.store.engine), svc.clock),
            CLOSE_SECONDS,
        ),
    ]


def _forget_job(svc: Services, api: ApiState) -> Job:
    verifications = VerificationStore(svc.store.engine)

    def forget() -> None:
        now = svc.clock()
        api.abuse.forget(now - KEEP_COUNTS)
        # Held web requests whose code was never entered hold a number nobody confirmed.
        verifications.forget_expired(now)

    return Job("abuse-forget", forget, LEASE_SWEEP_SECONDS * 4)
