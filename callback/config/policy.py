"""The callback policy: when to offer a callback, how to dial, retry and pace, slot sizes."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from callback.config.fields import (
    Duration,
    FrozenModel,
    PositiveDuration,
    RingTimeout,
    SlotCapacity,
    at_least,
)
from callback.retry import RetryPolicy

Backoff = Annotated[tuple[PositiveDuration, ...], Field(min_length=1)]
SlotLength = Annotated[PositiveDuration, at_least(timedelta(minutes=5))]
Lease = Annotated[PositiveDuration, at_least(timedelta(seconds=30))]
Attempts = Annotated[int, Field(ge=1, le=10)]
NonNegative = Annotated[int, Field(ge=0)]
AtLeastOne = Annotated[int, Field(ge=1)]
DialRate = Annotated[int, Field(ge=1, le=600)]


class DialMode(StrEnum):
    """Who is rung first when a callback is placed."""

    CUSTOMER_FIRST = "customer_first"
    AGENT_FIRST = "agent_first"


class CallbackPolicy(FrozenModel):
    """`[callback_defaults]`, and the effective policy of a queue after its overrides."""

    offer_threshold: Duration = timedelta(minutes=3)
    max_attempts: Attempts = 3
    backoff: Backoff = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
    retry_window: PositiveDuration = timedelta(hours=4)
    expiry: PositiveDuration = timedelta(hours=24)
    agent_retry_delay: PositiveDuration = timedelta(seconds=30)
    dial_mode: DialMode = DialMode.CUSTOMER_FIRST
    reserve_agents_for_live: NonNegative = 0
    max_concurrent_callbacks: AtLeastOne | None = None
    dial_rate_per_minute: DialRate = 30
    cutoff_before_closing: Duration = timedelta(minutes=10)
    slot_length: SlotLength = timedelta(minutes=30)
    slot_capacity: SlotCapacity = "auto"
    ring_timeout: RingTimeout = timedelta(seconds=30)
    agent_ring_timeout: RingTimeout = timedelta(seconds=20)
    lease: Lease = timedelta(minutes=2)
    handle_time_prior: PositiveDuration = timedelta(minutes=6)
    patience_prior: PositiveDuration | None = timedelta(minutes=20)
    abandonment: bool = True
    """False: the supervisor knows nobody in this line gives up (estimates assume so)."""

    def retry_policy(self) -> RetryPolicy:
        """The domain retry policy these settings describe."""
        return RetryPolicy(
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            retry_window=self.retry_window,
            expiry=self.expiry,
            agent_retry_delay=self.agent_retry_delay,
        )


class CallbackOverrides(FrozenModel):
    """A queue's `callback` table: any `[callback_defaults]` key, overriding it for the queue."""

    offer_threshold: Duration | None = None
    max_attempts: Attempts | None = None
    backoff: Backoff | None = None
    retry_window: PositiveDuration | None = None
    expiry: PositiveDuration | None = None
    agent_retry_delay: PositiveDuration | None = None
    dial_mode: DialMode | None = None
    reserve_agents_for_live: NonNegative | None = None
    max_concurrent_callbacks: AtLeastOne | None = None
    dial_rate_per_minute: DialRate | None = None
    cutoff_before_closing: Duration | None = None
    slot_length: SlotLength | None = None
    slot_capacity: SlotCapacity | None = None
    ring_timeout: RingTimeout | None = None
    agent_ring_timeout: RingTimeout | None = None
    lease: Lease | None = None
    handle_time_prior: PositiveDuration | None = None
    patience_prior: PositiveDuration | None = None
    abandonment: bool | None = None

    def given(self) -> dict[str, object]:
        """The keys written in the file, with their values."""
        return {key: value for key, value in self if value is not None}

    def over(self, defaults: CallbackPolicy) -> CallbackPolicy:
        """`defaults` with these overrides applied key by key."""
        return defaults.model_copy(update=self.given())
