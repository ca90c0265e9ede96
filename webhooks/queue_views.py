"""The bodies `GET /api/v1/queues` answers, as models: the OpenAPI document is made from them.

Without a key the answer is what any caller already hears on the phone: per queue, open or
closed, the line a newcomer joins and the wait. With the supervisor's key it adds the counts
by state, the broken promises and the live config's state (file, hash, changes).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, RootModel

from webhooks.accuracy import EstimateAccuracyOut
from webhooks.api.schemas import EstimateOut, Strict


class LineEstimateOut(EstimateOut):
    """The wait a newcomer would be told, and whether it ends before the queue closes."""

    before_close: bool


class QueuePublicOut(Strict):
    """One queue as a customer may see it."""

    display_name: str
    open: bool
    next_opening: datetime | None
    closes_at: datetime | None
    callback_offered: bool
    line: int = Field(description="Callbacks due plus callers on hold: the line a newcomer joins")
    estimate: LineEstimateOut | None


class WaitsOut(Strict):
    """Mean and longest wait of the people of one kind reached today (null: nobody yet)."""

    average_seconds: int | None
    longest_seconds: int | None


class QueueTodayOut(Strict):
    """One queue's day so far, from its local midnight: reached, gone, kept.

    A wait runs from the person's place in line (their first joining, kept when a caller on
    hold takes a callback) to the claim that reached them (the agent's offer for a caller on
    hold, the dial that connected a callback).
    """

    since: datetime = Field(description="The queue's local midnight")
    served_from_hold: int = Field(description="Callers on hold who reached an agent")
    callbacks_completed: int = Field(description="Callbacks that reached the customer")
    abandoned: int = Field(description="abandoned_on_hold + callbacks_unserved")
    abandoned_on_hold: int = Field(description="Callers who hung up while on hold or claimed")
    callbacks_unserved: int = Field(description="Requests cancelled or expired before any dial")
    voicemails: int = Field(description="Messages left in this queue")
    average_wait_seconds: int | None = Field(description="Over everyone reached today")
    longest_wait_seconds: int | None = Field(description="Over everyone reached today")
    from_hold: WaitsOut
    callbacks: WaitsOut
    promises_kept: int = Field(description="Callbacks reached by their promised time")
    promises_broken: int = Field(description="Requests not dialled by their promised time")
    booked: dict[str, int] = Field(description="Callback requests made today, by channel")


class QueueFullOut(QueuePublicOut):
    """One queue as the supervisor sees it: the line's counts by state and its day too."""

    on_hold: int
    waiting: int
    due: int
    scheduled: int
    dialing: int
    connected: int
    oldest_due: datetime | None
    voicemails_unhandled: int
    estimate_accuracy: EstimateAccuracyOut
    today: QueueTodayOut


class ConfigErrorOut(Strict):
    """The last edit of the config file that was refused."""

    text: str
    at: datetime


class ConfigChangeOut(Strict):
    """One applied edit of the config file."""

    at: datetime
    path: str
    old_hash: str
    new_hash: str
    sections: list[str]


class ConfigStatusOut(Strict):
    """The live config: file, version in force, last refusal, recent changes."""

    path: str
    hash: str
    loaded_at: datetime
    last_error: ConfigErrorOut | None
    recent_changes: list[ConfigChangeOut]


class QueuesPublicOut(Strict):
    """Every queue as a customer may see it (no key sent)."""

    at: datetime
    queues: dict[str, QueuePublicOut]


class QueuesFullOut(Strict):
    """Every queue, the broken promises and the config's state (supervisor key)."""

    at: datetime
    carrier: str
    queues: dict[str, QueueFullOut]
    broken_promises_24h: int
    config: ConfigStatusOut


class QueuesOut(RootModel[QueuesFullOut | QueuesPublicOut]):
    """The supervisor's view with the supervisor key, the customer's view without a key."""
