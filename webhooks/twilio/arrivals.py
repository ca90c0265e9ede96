"""Incoming calls stored together: one transaction for the calls that arrive at one moment.

Every incoming call stores its leg and looks up the caller's pending request before it is
answered. The commit costs more than the statements (it writes the changed pages to the
log, and calls arriving together change the same pages), so the calls whose webhooks reach
the event loop in the same turn share one transaction: a group commit. Each caller is still
answered only after the commit that stored their call; a lone call waits one turn of the
loop. A batch that fails is stored again call by call, so one bad call fails only itself;
when the database itself failed (down, or locked past the busy timeout) the whole batch
fails at once instead of waiting that long again for each call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TypeAlias

from callback.store.arrival import NewCall
from callback.store.calls import CallStore
from callback.types import RequestId

Found: TypeAlias = RequestId | None
"""The caller's unfinished request in the call's queue, if any."""
Outcome: TypeAlias = Found | Exception
Waiting: TypeAlias = tuple[NewCall, "asyncio.Future[Found]"]

log = logging.getLogger("holdless.twilio")


class Arrivals:
    """Stores incoming calls in batches, one batch per turn of the event loop."""

    def __init__(self, calls: CallStore, *, inline: bool) -> None:
        """`inline`: store on the event loop (embedded SQLite) rather than in a worker thread."""
        self._calls = calls
        self._inline = inline
        self._waiting: list[Waiting] = []

    async def arrive(self, call: NewCall) -> Found:
        """Store `call` with the others arriving now; its caller's pending request, if any."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Found] = loop.create_future()
        self._waiting.append((call, future))
        if len(self._waiting) == 1:
            # Runs after the requests already ready on the loop have reached this point too.
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        if self._inline:
            _settle(batch, self._store([call for call, _ in batch]))
            return
        stored = asyncio.get_running_loop().run_in_executor(
            None, self._store, [call for call, _ in batch]
        )
        stored.add_done_callback(lambda done: _settle_from(batch, done))

    def _store(self, calls: Sequence[NewCall]) -> list[Outcome]:
        if len(calls) == 1:
            return [self._store_one(calls[0])]
        try:
            return list(self._calls.arrive_all(calls))
        except Exception as error:
            if self._calls.is_outage(error):  # each alone would wait for the same database
                return [error] * len(calls)
            log.warning("storing %d arriving calls together failed; storing each alone", len(calls))
            return [self._store_one(call) for call in calls]

    def _store_one(self, call: NewCall) -> Outcome:
        try:
            return self._calls.arrive_all([call])[0]
        except Exception as error:
            return error


def _settle(batch: Sequence[Waiting], outcomes: Sequence[Outcome]) -> None:
    for (_, future), outcome in zip(batch, outcomes, strict=True):
        if future.done():  # its request was cancelled meanwhile; the call is stored all the same
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def _settle_from(batch: Sequence[Waiting], done: asyncio.Future[list[Outcome]]) -> None:
    error = None if done.cancelled() else done.exception()
    if done.cancelled() or error is not None:
        # The worker thread never ran the batch (the executor is shutting down).
        failure = error if isinstance(error, Exception) else RuntimeError("not stored")
        _settle(batch, [failure] * len(batch))
        return
    _settle(batch, done.result())
