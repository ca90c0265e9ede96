"""Figures read from the database at scrape time: the line, agents, and the tallies it keeps.

Counters read here are figures the database already holds (dials by outcome, broken promises,
refusals): every instance reports the same cluster-wide totals, so aggregate them with `max`,
not `sum`. Dials and broken promises count from this collector's start, as a process counter
would, each scrape adding the window since the last one (so a long uptime costs nothing);
refusals are the database's own running tally.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from callback.store.figures import ON_HOLD, Figures, FiguresStore, LineFigure, Tally
from callback.store.presence import AgentStatus
from callback.types import State

log = logging.getLogger("holdless.metrics")

LINE_STATES = (State.WAITING, State.SCHEDULED, State.DIALING, State.CONNECTED, ON_HOLD)
WAITING_STATES = frozenset({State.WAITING.value, ON_HOLD})
"""Who is waiting now: a scheduled callback waits for the time it chose, not for an agent."""
SETTLE_MARGIN = timedelta(seconds=30)
"""Dials and broken promises are counted once this old, so that a transaction which stamped
its time and committed a moment later is not missed by the window that passed it."""
WINDOWED = frozenset({"dials", "broken"})
Totals = Mapping[tuple[str, str, str], int]


class LineCollector(Collector):
    """Reads the database once per scrape; a database that does not answer is reported, not
    raised, so the process's own series are still scraped."""

    def __init__(
        self,
        store: FiguresStore,
        queues: Callable[[], Sequence[str]],
        clock: Callable[[], datetime],
        since: datetime,
    ) -> None:
        self._store = store
        self._queues = queues
        self._clock = clock
        self._cursor = since
        self._totals: dict[tuple[str, str, str], int] = {}
        # Two scrapers at once must not both add the same window.
        self._lock = threading.Lock()

    def describe(self) -> Iterable[Metric]:
        """Nothing up front: registering must not query the database."""
        return ()

    def collect(self) -> Iterable[Metric]:
        """The families of one scrape."""
        started = time.perf_counter()
        queues = list(self._queues())
        with self._lock:
            now = self._clock()
            figures = self._read(queues, now)
            totals = dict(self._totals)
        up = GaugeMetricFamily("holdless_database_up", "1 when the scrape could read the database")
        up.add_metric([], 0 if figures is None else 1)
        yield up
        if figures is not None:
            yield from line_families(figures.line, queues, now)
            yield from tally_families(figures.tallies, totals, queues)
        cost = GaugeMetricFamily(
            "holdless_metrics_scrape_seconds", "Time this scrape spent reading the database"
        )
        cost.add_metric([], time.perf_counter() - started)
        yield cost

    def _read(self, queues: Sequence[str], now: datetime) -> Figures | None:
        until = max(now - SETTLE_MARGIN, self._cursor)
        try:
            figures = self._store.read(queues, self._cursor, until)
        except SQLAlchemyError as error:
            log.warning("metrics: database figures unavailable: %s", type(error).__name__)
            return None
        for tally in figures.tallies:
            if tally.kind in WINDOWED:
                key = (tally.kind, tally.first, tally.second)
                self._totals[key] = self._totals.get(key, 0) + tally.count
        self._cursor = until
        return figures


def line_families(
    line: Sequence[LineFigure], queues: Sequence[str], now: datetime
) -> Iterator[Metric]:
    """People in the line by queue and state, and the oldest wait per queue."""
    names = sorted({*queues, *(figure.queue for figure in line)})
    counts = {(figure.queue, figure.state): figure.count for figure in line}
    people = GaugeMetricFamily(
        "holdless_line", "People in the line by queue and state", labels=["queue", "state"]
    )
    for queue in names:
        for state in LINE_STATES:
            people.add_metric([queue, str(state)], counts.get((queue, str(state)), 0))
    yield people
    oldest = GaugeMetricFamily(
        "holdless_line_oldest_wait_seconds",
        "How long the longest-waiting person (waiting callback or on hold) has waited",
        labels=["queue"],
    )
    for queue in names:
        oldest.add_metric([queue], _oldest_wait(line, queue, now))
    yield oldest


def _oldest_wait(line: Sequence[LineFigure], queue: str, now: datetime) -> float:
    starts = [
        figure.oldest
        for figure in line
        if figure.queue == queue and figure.state in WAITING_STATES and figure.oldest is not None
    ]
    return max((now - min(starts)).total_seconds(), 0.0) if starts else 0.0


def tally_families(
    tallies: Sequence[Tally], totals: Totals, queues: Sequence[str]
) -> Iterator[Metric]:
    """Agents by presence, dials and broken promises from `totals`, refusals as tallied."""
    by_kind: dict[str, list[Tally]] = {}
    for tally in tallies:
        by_kind.setdefault(tally.kind, []).append(tally)
    agents = GaugeMetricFamily("holdless_agents", "Agents by presence state", labels=["state"])
    present = {tally.first: tally.count for tally in by_kind.get("agents", [])}
    for status in AgentStatus:
        agents.add_metric([status.value], present.get(status.value, 0))
    yield agents
    dials = CounterMetricFamily(
        "holdless_dials", "Dial attempts ended, by queue and outcome", labels=["queue", "outcome"]
    )
    for (kind, queue, outcome), count in sorted(totals.items()):
        if kind == "dials":
            dials.add_metric([queue, outcome], count)
    yield dials
    broken = CounterMetricFamily(
        "holdless_broken_promises", "Callbacks not dialled by their promised time", labels=["queue"]
    )
    found = {queue: count for (kind, queue, _), count in totals.items() if kind == "broken"}
    for queue in sorted({*queues, *found}):
        broken.add_metric([queue], found.get(queue, 0))
    yield broken
    refusals = CounterMetricFamily(
        "holdless_admission_refusals", "Public requests refused, by reason", labels=["reason"]
    )
    for tally in by_kind.get("refusals", []):
        refusals.add_metric([tally.first], tally.count)
    yield refusals
