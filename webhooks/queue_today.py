"""The `today` part of `GET /api/v1/queues` (supervisor view): one queue's day so far."""

from __future__ import annotations

from datetime import datetime, timedelta

from callback.config import SupervisorConfig
from callback.store.queue_day import QueueDay, queue_day
from callback.types import QueueName
from webhooks.queue_views import QueueTodayOut, WaitsOut
from webhooks.services import Services

_INSTANT = timedelta(microseconds=1)


def local_midnight(config: SupervisorConfig, queue: QueueName, now: datetime) -> datetime:
    """The start of the queue's own day (in its time zone) that contains `now`."""
    local = now.astimezone(config.queues[queue].zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def today_out(day: QueueDay, since: datetime) -> QueueTodayOut:
    """The figures as the API shows them, waits in whole seconds."""
    reached = day.reached
    return QueueTodayOut(
        since=since,
        served_from_hold=day.from_hold.count,
        callbacks_completed=day.callbacks.count,
        abandoned=day.abandoned_on_hold + day.callbacks_unserved,
        abandoned_on_hold=day.abandoned_on_hold,
        callbacks_unserved=day.callbacks_unserved,
        voicemails=day.voicemails,
        average_wait_seconds=_whole(reached.average_s),
        longest_wait_seconds=_whole(reached.longest_s),
        from_hold=_waits_out(day.from_hold.average_s, day.from_hold.longest_s),
        callbacks=_waits_out(day.callbacks.average_s, day.callbacks.longest_s),
        promises_kept=day.promises_kept,
        promises_broken=day.promises_broken,
        booked=day.booked,
    )


def _waits_out(average: float | None, longest: float | None) -> WaitsOut:
    return WaitsOut(average_seconds=_whole(average), longest_seconds=_whole(longest))


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def today_view(
    svc: Services, config: SupervisorConfig, queue: QueueName, now: datetime
) -> dict[str, object]:
    """Today's figures of `queue`, from its local midnight to `now`, as JSON values."""
    since = local_midnight(config, queue, now)
    # Up to and including `now`: what was stamped at this very instant has happened.
    day = queue_day(svc.store.engine, queue, since, now + _INSTANT)
    return today_out(day, since).model_dump(mode="json")
