"""The API's bodies as pydantic models: they validate input and write the OpenAPI schemas."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

MAX_CONTEXT_ITEMS = 20
CODE_LENGTH = 6
"""Digits of an SMS verification code."""
_UNSAFE = frozenset("<>{}`\\")
_EMAIL = re.compile(r"[^@\s<>]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


def plain_text(value: str) -> str:
    """Text a person typed: no control or invisible format characters, no markup."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") or char in _UNSAFE:
            raise ValueError("plain text only: no control characters, markup or braces")
    return value.strip()


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("an e-mail address like name@example.com")
    return value


Text = Annotated[str, StringConstraints(max_length=500), AfterValidator(plain_text)]
Name = Annotated[str, StringConstraints(max_length=100), AfterValidator(plain_text)]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
QueueId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}$")]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
ContextKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
ContextValue = Text | int | float | bool


class Strict(BaseModel):
    """Unknown fields are refused, and nothing is coerced between types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CallbackIn(Strict):
    """`POST /api/v1/callbacks`: who to call back, in which queue, and why."""

    queue: QueueId
    phone: Annotated[str, Field(description="The number to call, national or international")]
    name: Name | None = None
    email: Email | None = None
    reason: Text | None = None
    preferred_time: Literal["asap"] | Annotated[AwareDatetime, Field(strict=False)] = Field(
        default="asap", description='"asap", or the start of a slot from the slots endpoint'
    )
    language: LanguageTag | None = None
    context: Annotated[dict[ContextKey, ContextValue], Field(max_length=MAX_CONTEXT_ITEMS)] = Field(
        default_factory=dict, description="Page, cart, order id, app screen ..."
    )
    fill_ms: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Widget only: milliseconds between showing and sending the form"
    )
    captcha_token: Annotated[str, StringConstraints(max_length=4096)] | None = None


class VerifyIn(Strict):
    """`POST /api/v1/callbacks/verify`: the code the SMS brought, for a held request."""

    verification_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,128}$")]
    code: Annotated[str, StringConstraints(pattern=rf"^[0-9]{{{CODE_LENGTH}}}$")]


class VerificationOut(Strict):
    """A request held until the code sent by SMS to its number comes back."""

    status: Literal["verification_required"]
    verification_id: str = Field(description="Send it back with the code to the verify endpoint")
    expires_at: datetime
    code_length: int


class EstimateOut(Strict):
    """An estimated wait: the value, its range and the clock time it ends by."""

    wait_seconds: int
    low_seconds: int
    high_seconds: int
    by: datetime


class PromiseOut(EstimateOut):
    """The estimate the customer was promised when they asked."""

    announced_at: datetime


class SlotOut(Strict):
    """A callback time slot `[start, end)` with the callbacks it can still take."""

    start: datetime
    end: datetime
    remaining: int | None = None


class StatusOut(Strict):
    """A callback request as its owner may see it."""

    id: int
    queue: str
    state: Literal[
        "waiting",
        "scheduled",
        "dialing",
        "connected",
        "completed",
        "failed",
        "cancelled",
        "expired",
    ]
    position: int | None = Field(description="1-based place in line; null when not in line")
    estimate: EstimateOut | None
    promise: PromiseOut | None
    slot: SlotOut | None
    attempts: int = Field(0, description="Calls made to the number so far")
    next_try: datetime | None = Field(
        None, description="After a missed call: when the number is called again"
    )


class CallbackOut(StatusOut):
    """A stored request: where it stands and the private link to follow it."""

    status_url: str
    merged: bool


class QueueEstimateOut(Strict):
    """What a newcomer to a queue can expect right now."""

    queue: str
    open: bool
    accepting: bool = Field(description="An ASAP request would be taken now")
    next_opening: datetime | None
    closes_at: datetime | None
    callback_offered: bool
    estimate: EstimateOut | None
    position: int | None = Field(
        description="1-based place a callback asked for now would take (callers on hold and"
        " callbacks alike, as the phone menu says); null when no wait can be estimated"
    )


class SlotsOut(Strict):
    """The slots of one day that still have room."""

    queue: str
    date: date
    slots: list[SlotOut]


class RefusalOut(Strict):
    """How often one reason refused a public request."""

    reason: str
    count: int
    first_at: datetime
    last_at: datetime


class AbuseOut(Strict):
    """The supervisor's view of refused requests."""

    refusals: list[RefusalOut]


class ErrorDetail(Strict):
    """What went wrong: a stable code, the field concerned and a readable message."""

    code: str
    field: str | None = None
    message: str
    reason: str | None = None
    retry_after: int | None = None
    next_slots: list[SlotOut] | None = None
    attempts_left: int | None = Field(
        default=None, description="verification_code_wrong: codes that may still be tried"
    )


class ErrorBody(Strict):
    """Every error answer."""

    error: ErrorDetail
