"""Overlap checks for ranges within one day, where an end of 00:00 means 24:00."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import time
from typing import Protocol

_DAY_MINUTES = 24 * 60


class Span(Protocol):
    """Anything with a start and an end on the wall clock."""

    @property
    def start(self) -> time: ...

    @property
    def end(self) -> time: ...


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def bounds(span: Span) -> tuple[int, int]:
    """Minutes from midnight of the start and the end (1440 for an end of 24:00)."""
    end = _DAY_MINUTES if span.end == time(0) else _minutes(span.end)
    return _minutes(span.start), end


def overlapping(spans: Sequence[Span]) -> Iterator[tuple[int, int]]:
    """Pairs (later index, earlier index) of spans that share time; touching is fine."""
    for later, span in enumerate(spans):
        start, end = bounds(span)
        for earlier in range(later):
            other_start, other_end = bounds(spans[earlier])
            if start < other_end and other_start < end:
                yield later, earlier
                break
