"""The series recorded where things happen, on a registry owned by one application."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram

WEBHOOK_PREFIX = "/twilio/"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
"""Seconds; 15 s is where Twilio gives up on a webhook and calls the fallback URL."""
_ERROR_STEPS = (30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0)
ERROR_BUCKETS = (*(-step for step in reversed(_ERROR_STEPS)), 0.0, *_ERROR_STEPS)
"""Seconds announced minus waited: negative when the person waited longer than told."""
DIAL_STATUSES = frozenset({"completed", "answered", "busy", "no-answer", "failed", "canceled"})
"""Twilio's DialCallStatus values; anything else is counted as "other" (bounded labels)."""


class Metrics:
    """Counters and histograms of one app; the composition root builds it and hands it down."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        reg = self.registry
        route = ["route"]
        self.webhook_seconds = Histogram(
            "holdless_webhook_duration_seconds",
            "Time to answer a Twilio webhook, by route template",
            route,
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.api_seconds = Histogram(
            "holdless_api_duration_seconds",
            "Time to answer any other HTTP request (API, widget, pages), by route template",
            route,
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.responses = Counter(
            "holdless_http_responses",
            "HTTP responses by route template and status",
            [*route, "status"],
            registry=reg,
        )
        self.bridges = Counter(
            "holdless_bridges",
            "Callback bridges to an agent ended, by DialCallStatus",
            ["queue", "outcome"],
            registry=reg,
        )
        self.config_reloads = Counter(
            "holdless_config_reloads",
            "Edits of the config file applied or refused",
            ["result"],
            registry=reg,
        )
        self.lease_sweeps = Counter(
            "holdless_lease_sweeps", "Lease sweeps run by this instance", registry=reg
        )
        self.lease_returned = Counter(
            "holdless_lease_sweep_returned",
            "Requests a lease sweep put back in line undialled",
            registry=reg,
        )
        self.estimate_error = Histogram(
            "holdless_estimate_error_seconds",
            "Announced wait minus the wait until the person was reached",
            ["queue"],
            buckets=ERROR_BUCKETS,
            registry=reg,
        )
        for result in ("applied", "refused"):
            self.config_reloads.labels(result=result)
        # The children of each (route, status), found once: `labels()` takes a lock and
        # builds a key on every call, which the busiest webhook need not pay each time.
        # Bounded, as routes are templates and statuses are HTTP's.
        self._children: dict[tuple[str, int], tuple[Histogram, Counter]] = {}

    def request(self, route: str, status: int, seconds: float) -> None:
        """One HTTP request answered: its latency under its kind and its status."""
        children = self._children.get((route, status))
        if children is None:
            kind = self.webhook_seconds if route.startswith(WEBHOOK_PREFIX) else self.api_seconds
            children = kind.labels(route=route), self.responses.labels(route, str(status))
            self._children[route, status] = children
        children[0].observe(seconds)
        children[1].inc()

    def bridge(self, queue: str, dial_status: str) -> None:
        """A callback's `<Dial>` to the other party ended with `dial_status`."""
        outcome = dial_status if dial_status in DIAL_STATUSES else "other"
        self.bridges.labels(queue=queue, outcome=outcome).inc()

    def reached(self, queue: str, announced: timedelta, waited: timedelta) -> None:
        """A person was reached after `waited`, having been told `announced`."""
        error = (announced - waited).total_seconds()
        self.estimate_error.labels(queue=queue).observe(error)

    def swept(self, returned: int) -> None:
        """One lease sweep ran and put `returned` requests back in line."""
        self.lease_sweeps.inc()
        self.lease_returned.inc(returned)
