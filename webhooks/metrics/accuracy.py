"""The estimate's accuracy today per queue, read from the database at scrape time.

The same figures as the supervisor's `GET /api/v1/queues` (`webhooks.accuracy`): from the
queue's local midnight, over the waits that ended, labelled by which announcements are
judged (`first`: one per person; `every`: each announcement). A figure with nothing to
judge yet is left out rather than reported as 0, which would read as a perfect estimate.
Every instance reports the same figures: aggregate them with `max`, not `sum`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from callback.accuracy import Accuracy, day_start
from callback.config import SupervisorConfig
from callback.store.announcements import AccuracyStore, Daily
from callback.types import QueueName

log = logging.getLogger("holdless.metrics")

LABELS = ["queue", "announcement"]
_FAMILIES: tuple[tuple[str, str, Callable[[Accuracy], float | None]], ...] = (
    (
        "holdless_estimate_reached",
        "People reached today whose actual wait is judged against the announced one",
        lambda figure: figure.count,
    ),
    (
        "holdless_estimate_gave_up",
        "People who gave up today before being reached",
        lambda figure: figure.gave_up,
    ),
    (
        "holdless_estimate_bias_seconds",
        "Mean of actual minus announced wait today (positive: people waited longer than told)",
        lambda figure: figure.bias_s,
    ),
    (
        "holdless_estimate_rmse_seconds",
        "Root mean squared error of the announced wait today",
        lambda figure: figure.rmse_s,
    ),
    (
        "holdless_estimate_promises_kept_ratio",
        "Share of clock-time promises judged today that were kept",
        lambda figure: figure.promises_kept,
    ),
    (
        "holdless_estimate_inside_range_ratio",
        "Share of actual waits today inside the announced 10-90% range",
        lambda figure: figure.inside_range,
    ),
)


class AccuracyCollector(Collector):
    """Reads each queue's figures once per scrape; a database that does not answer is
    logged and its families left out, so the other series are still scraped."""

    def __init__(
        self,
        store: AccuracyStore,
        config: Callable[[], SupervisorConfig],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._config = config
        self._clock = clock

    def describe(self) -> Iterable[Metric]:
        """Nothing up front: registering must not query the database."""
        return ()

    def collect(self) -> Iterable[Metric]:
        """The accuracy families of one scrape."""
        config, now = self._config(), self._clock()
        try:
            days = {
                name: self._store.daily(QueueName(name), day_start(queue.zone, now), now)
                for name, queue in config.queues.items()
            }
        except SQLAlchemyError as error:
            log.warning("metrics: accuracy figures unavailable: %s", type(error).__name__)
            return
        yield from accuracy_families(days)


def accuracy_families(days: dict[str, Daily]) -> Iterator[Metric]:
    """One gauge family per figure, a sample per queue and kind of announcement judged."""
    for name, text, read in _FAMILIES:
        family = GaugeMetricFamily(name, text, labels=LABELS)
        for queue in sorted(days):
            daily = days[queue]
            for kind, figure in (("first", daily.first), ("every", daily.every)):
                value = read(figure)
                if value is not None:
                    family.add_metric([queue, kind], value)
        yield family
