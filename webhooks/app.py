"""The composition root: the application factory, its routes and its lifespan.

Concrete adapters are built in the lifespan (`webhooks.lifespan`) from the object graph
(`webhooks.assembly`), the carrier chosen on purpose (`webhooks.carrier_choice`) and the
ticker's jobs (`webhooks.jobs`).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from callback.carrier import Telephony
from callback.config import builtin_catalogue
from callback.service.ports import Notifier
from settings import Settings
from webhooks.api.errors import http_error
from webhooks.api.routes import api_routes
from webhooks.call_log import CallLog
from webhooks.console.routes import console_routes
from webhooks.devsite import dev_routes
from webhooks.health import healthz
from webhooks.hosted import hosted_routes
from webhooks.lifespan import Wiring, lifespan
from webhooks.metrics import Metrics, RouteTimer, metrics_endpoint
from webhooks.services import Clock, system_clock
from webhooks.twilio.routes import twilio_routes
from webhooks.widget.routes import widget_routes


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
    wiring = Wiring(settings, clock, ticker, simulating, metrics, notifier, telephony, call_log)
    routes = _routes(settings, metrics)
    timer = Middleware(RouteTimer, metrics=metrics, routes=routes)
    errors = {HTTPException: http_error}
    return Starlette(
        routes=routes, lifespan=lifespan(wiring), middleware=[timer], exception_handlers=errors
    )


def _routes(settings: Settings, metrics: Metrics) -> list[BaseRoute]:
    return [
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
