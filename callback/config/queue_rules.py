"""Rules within one queue: names, languages, hours, closures, staffing and the reasons menu."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import time

from callback.config.catalogue import REFERENCE, Catalogue, missing_keys
from callback.config.issues import ConfigIssue, key_path
from callback.config.queue import QueueConfig, StaffEntry
from callback.config.spans import Span, overlapping
from callback.config.week import Week
from callback.hours import Interval

_QUEUE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_DIGIT = re.compile(r"[1-9]")

Where = tuple[str | int, ...]


def _clock(moment: time, *, end: bool = False) -> str:
    return "24:00" if end and moment == time(0) else moment.isoformat("minutes")


def _shown(span: Span) -> str:
    return f"{_clock(span.start)}-{_clock(span.end, end=True)}"


def span_issues(spans: Sequence[Span], where: Where) -> Iterator[ConfigIssue]:
    """Each span that overlaps an earlier one in the same list."""
    for later, earlier in overlapping(spans):
        rule = f"overlaps {_shown(spans[earlier])} at [{earlier}]"
        yield ConfigIssue(key_path((*where, later)), rule)


def hours_issues(hours: Week[Interval], where: Where) -> Iterator[ConfigIssue]:
    """Overlapping opening ranges, and a week with no opening at all."""
    for key, spans in hours.given():
        yield from span_issues(spans, (*where, key))
    if not any(hours.on(weekday) for weekday in range(7)):
        yield ConfigIssue(key_path(where), "the queue is never open; give hours for some day")


def staffing_issues(staffing: Week[StaffEntry], where: Where) -> Iterator[ConfigIssue]:
    """Entries that end before they start, and entries that overlap on the same day."""
    for key, entries in staffing.given():
        backwards = [i for i, entry in enumerate(entries) if not entry.ends_after_start()]
        for index in backwards:
            rule = f"must be after from ({_clock(entries[index].start)})"
            yield ConfigIssue(key_path((*where, key, index, "to")), rule)
        if not backwards:
            yield from span_issues(entries, (*where, key))


def closure_issues(queue: QueueConfig, where: Where) -> Iterator[ConfigIssue]:
    """Closure dates given twice, and overlapping special hours."""
    first_index: dict[object, int] = {}
    for index, closure in enumerate(queue.closures):
        seen = first_index.setdefault(closure.day, index)
        if seen != index:
            rule = f"{closure.day} is already listed at closures[{seen}]"
            yield ConfigIssue(key_path((*where, index, "date")), rule)
        yield from span_issues(closure.hours, (*where, index, "hours"))


def language_issues(
    queue: QueueConfig, catalogue: Catalogue, where: Where
) -> Iterator[ConfigIssue]:
    """Languages listed twice or without a complete prompt catalogue."""
    reference = catalogue.language(REFERENCE).prompts
    for index, code in enumerate(queue.languages):
        location = key_path((*where, index))
        if code in queue.languages[:index]:
            yield ConfigIssue(location, f"language {code!r} is listed twice")
        elif code not in catalogue.languages:
            known = ", ".join(sorted(catalogue.languages))
            rule = f"no prompts for {code!r}; use one of {known} or add [prompts.{code}]"
            yield ConfigIssue(location, rule)
        elif missing_keys(reference, catalogue.language(code).prompts):
            yield ConfigIssue(location, f"the prompts for {code!r} are incomplete")


def reason_issues(queue: QueueConfig, where: Where) -> Iterator[ConfigIssue]:
    """Menu keys that are not a single digit, and labels in languages the queue lacks."""
    for digit, reason in queue.reasons.items():
        if not _DIGIT.fullmatch(digit):
            yield ConfigIssue(key_path((*where, digit)), "a menu key is one digit from 1 to 9")
        for code in reason.labels:
            if code not in queue.languages:
                rule = f"{code!r} is not one of the queue's languages"
                yield ConfigIssue(key_path((*where, digit, "labels", code)), rule)


def queue_issues(name: str, queue: QueueConfig, catalogue: Catalogue) -> Iterator[ConfigIssue]:
    """Every rule of one queue."""
    where: Where = ("queues", name)
    if not _QUEUE_NAME.fullmatch(name):
        rule = "a queue name is 1-32 lower-case letters, digits, '-' or '_', starting with a letter"
        yield ConfigIssue(key_path(where), rule)
    yield from language_issues(queue, catalogue, (*where, "languages"))
    yield from hours_issues(queue.hours, (*where, "hours"))
    yield from closure_issues(queue, (*where, "closures"))
    yield from staffing_issues(queue.staffing, (*where, "staffing"))
    yield from reason_issues(queue, (*where, "reasons"))
