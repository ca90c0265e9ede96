"""Periodic jobs wrapped so that what they did is counted (config reloads, lease sweeps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from callback.config.issues import ConfigError
from callback.config.reload import ConfigChange
from webhooks.metrics.series import Metrics


class CountedReload:
    """The config reload job, counting each applied change and each new refusal once."""

    def __init__(self, run: Callable[[], object], metrics: Metrics) -> None:
        self._run = run
        self._metrics = metrics
        self._last_refusal: object = None

    def __call__(self) -> object:
        """Poll once; count what happened."""
        outcome = self._run()
        if isinstance(outcome, ConfigChange):
            self._metrics.config_reloads.labels(result="applied").inc()
        # The holder hands back the same error while the same bad file stays: counted once.
        elif isinstance(outcome, ConfigError) and outcome is not self._last_refusal:
            self._last_refusal = outcome
            self._metrics.config_reloads.labels(result="refused").inc()
        return outcome


def counted_sweep(
    sweep: Callable[[datetime], int], clock: Callable[[], datetime], metrics: Metrics
) -> Callable[[], int]:
    """The lease sweep job, counting each run and the requests it put back in line."""

    def run() -> int:
        returned = sweep(clock())
        metrics.swept(returned)
        return returned

    return run
