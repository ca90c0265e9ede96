"""The object graph: database, stores, use cases, the live config, telephony and metrics."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from callback.carrier import HeldCalls, Telephony
from callback.config.reload import ConfigHolder
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
from callback.store.held import HeldStore
from callback.store.hold_round import HoldRoundStore
from callback.store.presence import PresenceStore
from callback.store.queue import QueueStore
from callback.store.settling import SettleStore
from callback.store.voicemails import VoicemailStore
from ivr.links import Links
from scheduler.dispatcher import Dispatcher
from settings import Settings
from webhooks.carrier_choice import real_telephony
from webhooks.devsite import dev_site_extension
from webhooks.measured import MeasuredCache, PresenceCache, ReturnsCache
from webhooks.metrics import Metrics
from webhooks.services import Clock, Services
from webhooks.sms_sender import TelephonySms, sms_recorder
from webhooks.twilio.arrivals import Arrivals
from webhooks.twilio.notify import LogNotifier
from webhooks.twilio.signature import checker_for


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
    return Services(
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


def _sms(
    settings: Settings, holder: ConfigHolder, telephony: Telephony, engine: Engine, clock: Clock
) -> Notifier:
    numbers = holder.current.service.numbers
    if not numbers:
        return LogNotifier()
    status = str(settings.public_base_url).rstrip("/") + "/twilio/sms-status"
    return TelephonySms(telephony, numbers[0], status, sms_recorder(engine, clock))
