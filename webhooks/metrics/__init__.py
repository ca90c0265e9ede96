"""Prometheus metrics: series recorded where things happen, figures read at scrape time."""

from webhooks.metrics.collector import LineCollector
from webhooks.metrics.endpoint import metrics_endpoint
from webhooks.metrics.jobs import CountedReload, counted_sweep
from webhooks.metrics.series import Metrics
from webhooks.metrics.timing import RouteTimer, route_template

__all__ = [
    "CountedReload",
    "LineCollector",
    "Metrics",
    "RouteTimer",
    "counted_sweep",
    "metrics_endpoint",
    "route_template",
]
