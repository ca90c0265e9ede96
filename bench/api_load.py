"""What the API benchmark counts of `bench.webhook_load`'s loops.

A created callback is a 201, and every other answer is kept by status so that a refusal
shows up by name in the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bench.webhook_load import Answer

CREATED = 201


@dataclass
class Tally:
    """What one load phase saw: latencies (seconds) of 201s, every status, elapsed time."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    elapsed: float = 0.0
    sample: bytes = b""
    refusal: bytes = b""

    def record(self, answer: Answer, latency: float) -> None:
        """Count the answer by status; keep the latency of a 201 and the first other body."""
        self.statuses[answer.status] += 1
        if answer.status == CREATED:
            self.latencies.append(latency)
            self.sample = self.sample or answer.body
        elif not self.refusal:
            self.refusal = answer.body

    @property
    def failures(self) -> int:
        """Answers other than 201."""
        return sum(n for status, n in self.statuses.items() if status != CREATED)
