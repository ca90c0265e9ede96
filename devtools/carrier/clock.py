"""Time for the simulated carrier: a virtual clock for tests, the wall clock for demos.

Every simulated call runs as a task the clock knows. A task waits only through the
clock (`sleep`, optionally cut short by an `Alarm`), so the virtual clock can tell when
all of them are parked and jump straight to the next due wake-up: a ten-minute hold
takes no real time, and a run with the same seed replays exactly.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from heapq import heappop, heappush
from typing import Any, Protocol

log = logging.getLogger("holdless.carrier")

Work = Coroutine[Any, Any, None]


_TICK = timedelta(microseconds=1)
"""The clock's resolution: the shortest positive sleep."""


class CarrierError(Exception):
    """The simulation cannot go on: a task failed, the app misbehaved, or the run stalled."""


class Alarm(Protocol):
    """Cuts a party's current wait short (a key press, a dequeue, a remote hangup)."""

    def ring(self) -> None:
        """Wake the sleeper now, or make its next sleep return at once."""
        ...


class SimClock(Protocol):
    """What the carrier needs from time."""

    def now(self) -> datetime:
        """The current (simulated) time, timezone-aware."""
        ...

    def alarm(self) -> Alarm:
        """A fresh alarm for one party."""
        ...

    async def sleep(self, seconds: float, alarm: Alarm | None = None) -> None:
        """Wait `seconds` (may be infinite with an alarm), or until `alarm` rings."""
        ...

    def spawn(self, work: Work, name: str) -> None:
        """Run `work` as a carrier task."""
        ...

    async def settle(self) -> None:
        """Return once every carrier task is parked; raise the first task failure."""
        ...

    async def step(self, deadline: datetime) -> bool:
        """Move time on towards `deadline`; False when the deadline is reached."""
        ...

    async def aclose(self) -> None:
        """Cancel every carrier task."""
        ...


class _VirtualAlarm:
    __slots__ = ("_clock", "_rung", "_waiter")

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self._waiter: asyncio.Future[None] | None = None
        self._rung = False

    def ring(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():
            self._rung = True
        else:
            self._clock.wake(waiter)


class VirtualClock:
    """Simulated time that advances only when every carrier task is waiting on it."""

    def __init__(self, start: datetime, *, stall_s: float = 30.0) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self._now = start
        self._stall_s = stall_s
        self._timers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._running = 0
        self._idle = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._failures: list[BaseException] = []

    def now(self) -> datetime:
        """The simulated time."""
        return self._now

    def alarm(self) -> Alarm:
        """A fresh alarm bound to this clock."""
        return _VirtualAlarm(self)

    async def sleep(self, seconds: float, alarm: Alarm | None = None) -> None:
        """Park the calling task until simulated time passes `seconds`, or `alarm` rings."""
        if seconds < 0 or (math.isinf(seconds) and alarm is None):
            raise ValueError("a sleep needs a finite, non-negative length or an alarm")
        if not isinstance(alarm, _VirtualAlarm | None):
            raise TypeError("an alarm from another clock")
        if alarm is not None and alarm._rung:
            alarm._rung = False
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if math.isfinite(seconds):
            # A positive sleep always moves the clock: timedelta rounds below half a
            # microsecond to zero, and a loop sleeping what is "left" would then spin.
            step = timedelta(seconds=seconds)
            due = self._now + (max(step, _TICK) if seconds > 0 else step)
            heappush(self._timers, (due, next(self._order), waiter))
        if alarm is not None:
            alarm._waiter = waiter
        try:
            await self._park(waiter)
        finally:
            if alarm is not None and alarm._waiter is waiter:
                alarm._waiter = None

    def wake(self, waiter: asyncio.Future[None]) -> None:
        """Make a parked task runnable again (at most once)."""
        if not waiter.done():
            self._count(+1)
            waiter.set_result(None)

    def spawn(self, work: Work, name: str) -> None:
        """Start `work` as a task the clock waits for."""
        self._count(+1)
        task = asyncio.get_running_loop().create_task(self._guard(work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait until every task is parked; raise `CarrierError` if one failed or all stall."""
        while True:
            self._raise_failure()
            if self._running == 0:
                await asyncio.sleep(0)
                if self._running == 0:
                    self._raise_failure()
                    return
                continue
            try:
                await asyncio.wait_for(self._idle.wait(), self._stall_s)
            except TimeoutError:
                raise CarrierError("carrier tasks made no progress (real-time guard)") from None

    async def step(self, deadline: datetime) -> bool:
        """Fire the next timer due by `deadline`; else move to the deadline and say False."""
        while self._timers and self._timers[0][2].done():
            heappop(self._timers)
        if not self._timers or self._timers[0][0] > deadline:
            self._now = max(self._now, deadline)
            return False
        due, _, waiter = heappop(self._timers)
        self._now = max(self._now, due)
        self.wake(waiter)
        return True

    async def aclose(self) -> None:
        """Cancel every task and wait for them to finish."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._running = 0
        self._timers.clear()

    async def _park(self, waiter: asyncio.Future[None]) -> None:
        if asyncio.current_task() not in self._tasks:
            raise CarrierError("only carrier tasks may wait on the simulated clock")
        self._count(-1)
        try:
            await waiter
        except asyncio.CancelledError:
            self._count(+1)
            raise

    async def _guard(self, work: Work) -> None:
        try:
            await work
        except Exception as exc:
            log.exception("carrier task failed")
            self._failures.append(exc)
        finally:
            self._count(-1)

    def _count(self, delta: int) -> None:
        self._running += delta
        if self._running == 0:
            self._idle.set()
        else:
            self._idle.clear()

    def _raise_failure(self) -> None:
        if self._failures:
            first = self._failures.pop(0)
            raise CarrierError(f"a carrier task failed: {first}") from first


class _RealAlarm:
    __slots__ = ("event",)

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def ring(self) -> None:
        self.event.set()


class RealClock:
    """The wall clock, optionally sped up, for `make run` demonstrations."""

    def __init__(self, *, speed: float = 1.0, poll_s: float = 0.05) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._speed = speed
        self._poll_s = poll_s
        self._start = datetime.now(UTC)
        self._started = time.monotonic()
        self._tasks: set[asyncio.Task[None]] = set()

    def now(self) -> datetime:
        """Wall-clock time, scaled by the speed since the clock was made."""
        elapsed = (time.monotonic() - self._started) * self._speed
        return self._start + timedelta(seconds=elapsed)

    def alarm(self) -> Alarm:
        """A fresh alarm."""
        return _RealAlarm()

    async def sleep(self, seconds: float, alarm: Alarm | None = None) -> None:
        """Really wait (scaled by the speed), or until `alarm` rings."""
        if not isinstance(alarm, _RealAlarm | None):
            raise TypeError("an alarm from another clock")
        limit = None if math.isinf(seconds) else seconds / self._speed
        if alarm is None:
            await asyncio.sleep(limit or 0)
            return
        try:
            await asyncio.wait_for(alarm.event.wait(), limit)
        except TimeoutError:
            return
        finally:
            alarm.event.clear()

    def spawn(self, work: Work, name: str) -> None:
        """Start `work` as a task; failures are logged, not raised."""
        task = asyncio.get_running_loop().create_task(_logged(work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Give other tasks a turn."""
        await asyncio.sleep(0)

    async def step(self, deadline: datetime) -> bool:
        """Wait a short real moment; False once `deadline` has passed."""
        remaining = (deadline - self.now()).total_seconds()
        if remaining <= 0:
            return False
        await asyncio.sleep(min(self._poll_s, remaining / self._speed))
        return True

    async def aclose(self) -> None:
        """Cancel every task."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _logged(work: Work) -> None:
    try:
        await work
    except Exception:
        log.exception("carrier task failed")
