"""The virtual clock: time jumps to the next wake-up once every task is parked."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from devtools.carrier import CarrierError, RealClock, VirtualClock

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def run(clock: VirtualClock, seconds: float) -> None:
    deadline = clock.now() + timedelta(seconds=seconds)
    await clock.settle()
    while await clock.step(deadline):
        await clock.settle()


async def test_sleepers_wake_in_order_of_simulated_time() -> None:
    clock = VirtualClock(T0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, (clock.now() - T0).total_seconds()))

    clock.spawn(sleeper("late", 3600), "late")
    clock.spawn(sleeper("early", 5), "early")
    await run(clock, 7200)
    assert woke == [("early", 5.0), ("late", 3600.0)]
    assert clock.now() == T0 + timedelta(hours=2)


async def test_an_alarm_cuts_a_sleep_short_or_is_kept_for_the_next() -> None:
    clock = VirtualClock(T0)
    alarm = clock.alarm()
    woke: list[float] = []

    async def sleeper() -> None:
        await clock.sleep(math.inf, alarm)
        woke.append((clock.now() - T0).total_seconds())
        await clock.sleep(100, alarm)
        woke.append((clock.now() - T0).total_seconds())

    clock.spawn(sleeper(), "sleeper")
    await run(clock, 10)
    assert woke == []
    alarm.ring()
    alarm.ring()  # rung while nobody sleeps: the next sleep returns at once
    await run(clock, 0)
    assert woke == [10.0, 10.0]


async def test_a_failing_task_is_raised_by_settle() -> None:
    clock = VirtualClock(T0)

    async def broken() -> None:
        await clock.sleep(1)
        raise RuntimeError("boom")

    clock.spawn(broken(), "broken")
    with pytest.raises(CarrierError, match="boom"):
        await run(clock, 5)


async def test_only_carrier_tasks_may_sleep() -> None:
    clock = VirtualClock(T0)
    with pytest.raises(CarrierError, match="only carrier tasks"):
        await clock.sleep(1)
    with pytest.raises(ValueError, match="alarm"):
        await clock.sleep(math.inf)


async def test_close_cancels_parked_tasks() -> None:
    clock = VirtualClock(T0)
    clock.spawn(clock.sleep(60), "sleeper")
    await clock.settle()
    await clock.aclose()
    assert not await clock.step(T0 + timedelta(seconds=120))


def test_the_start_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        VirtualClock(datetime(2026, 3, 2, 9, 0))


async def test_the_real_clock_runs_tasks_and_alarms() -> None:
    clock = RealClock(speed=10_000.0)
    alarm = clock.alarm()
    done: list[str] = []

    async def waiter() -> None:
        await clock.sleep(math.inf, alarm)
        done.append("rung")

    clock.spawn(waiter(), "waiter")
    await clock.settle()
    alarm.ring()
    deadline = clock.now() + timedelta(seconds=60)
    while not done and await clock.step(deadline):
        pass
    assert done == ["rung"]
    assert clock.now().tzinfo is not None
    await clock.aclose()


async def test_a_sleep_shorter_than_the_clocks_resolution_still_moves_it() -> None:
    # A conversation sleeping what is "left" of its talk time (a fraction of a microsecond)
    # once spun for ever: timedelta rounded the sleep to nothing.
    clock = VirtualClock(T0)
    moments: list[datetime] = []

    async def sleeper() -> None:
        for _ in range(3):
            await clock.sleep(4e-7)
            moments.append(clock.now())

    clock.spawn(sleeper(), "short")
    await run(clock, 1)
    assert moments == [T0 + timedelta(microseconds=n) for n in (1, 2, 3)]
