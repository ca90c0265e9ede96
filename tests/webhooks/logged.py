"""Logging set up as `holdless serve` sets it up, written to a buffer the test reads."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from webhooks.logs import configure_logging

Read = Callable[[], str]
"""Everything logged so far."""


@contextmanager
def logging_as_served(secrets: Iterable[str] = (), level: str = "DEBUG") -> Iterator[Read]:
    """`configure_logging` with `secrets`, its one handler writing to a buffer; then restored."""
    root = logging.getLogger()
    quieted = [logging.getLogger(name) for name in ("apscheduler", "urllib3", "httpx", "httpcore")]
    saved = root.handlers[:], root.level, [logger.level for logger in quieted]
    configure_logging(level, secrets)
    buffer = io.StringIO()
    [handler] = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    try:
        yield buffer.getvalue
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for logger, was in zip(quieted, saved[2], strict=True):
            logger.setLevel(was)
