"""The smaller tables: service, agents, number policy, calling window, retention, prompts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, HttpUrl, field_serializer, model_validator

from callback.calling_window import CallingWindow
from callback.config.fields import (
    ClockEnd,
    ClockTime,
    Duration,
    E164Number,
    Endpoint,
    EndpointKind,
    FrozenModel,
    Prefix,
    ReadOnlyMap,
    Region,
    at_least,
    endpoint_kind,
    matching,
)
from callback.numbers import NumberType

Name = Annotated[str, Field(min_length=1, max_length=100)]
AgentKey = Annotated[
    str,
    AfterValidator(
        matching(
            re.compile(r"[A-Za-z0-9_.-]{1,64}"),
            "an agent id is 1-64 letters, digits, '_', '.' or '-'",
        )
    ),
]
SayLanguage = Annotated[
    str,
    AfterValidator(
        matching(re.compile(r"[a-z]{2,3}-[A-Z]{2}"), "a voice language is a code like 'en-GB'")
    ),
]
Days = Annotated[int, Field(ge=1, le=3650)]
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _key_hash(value: str) -> str:
    # The value is not echoed: a pasted raw key must not reach logs or the console.
    if not _SHA256.fullmatch(value):
        raise ValueError("a key is stored as its SHA-256 hash: 64 lower-case hex digits")
    return value


KeyHash = Annotated[str, AfterValidator(_key_hash)]
_PACK_KEYS = frozenset({"name", "say_language", "direction"})


class ServiceConfig(FrozenModel):
    """`[service]`: who we are to callers."""

    company: Name
    numbers: Annotated[tuple[E164Number, ...], Field(min_length=1)]
    support_url: HttpUrl | None = None
    supervisor_key_sha256: KeyHash | None = None
    """SHA-256 of the supervisor's API key, which may change any agent's presence."""


class AgentConfig(FrozenModel):
    """One `[[agents]]` entry."""

    id: AgentKey
    name: Name
    endpoint: Endpoint
    queues: Annotated[tuple[str, ...], Field(min_length=1)]
    max_unanswered_offers: Annotated[int, Field(ge=0, le=100)] = 3
    api_key_sha256: KeyHash | None = None
    """SHA-256 of the agent's own API key for the presence API."""

    @property
    def endpoint_kind(self) -> EndpointKind:
        """Phone number, SIP address or Twilio Client identity."""
        return endpoint_kind(self.endpoint)


class NumbersConfig(FrozenModel):
    """`[numbers]`: which numbers we agree to call; omitted lists allow anything valid."""

    allowed_regions: tuple[Region, ...] | None = None
    allowed_types: tuple[NumberType, ...] | None = None
    blocked: tuple[E164Number, ...] = ()
    blocked_prefixes: tuple[Prefix, ...] = ()


class CallingWindowConfig(FrozenModel):
    """`[calling_window]`: hours we may ring a customer, in the customer's own local time."""

    start: ClockTime = time(8, 0)
    end: ClockEnd = time(21, 0)
    """"24:00" (read as midnight) lets the window run to the end of the day."""

    def window(self) -> CallingWindow:
        """The domain calling window; an end of "24:00" ends it with the day."""
        end = time.max if self.end == time(0) else self.end
        return CallingWindow(start=self.start, end=end)

    @field_serializer("end")
    def _end_text(self, end: time) -> time | str:
        # Dumped and read back, midnight must stay the end of the day, not its start.
        return "24:00" if end == time(0) else end


class RetentionConfig(FrozenModel):
    """`[retention]`: how long personal data of finished requests is kept."""

    personal_data_days: Days = 30
    recordings_days: Days = 30
    history_days: Days = 365
    purge_interval: Annotated[Duration, at_least(timedelta(minutes=1))] = timedelta(hours=1)


class PromptPack(FrozenModel):
    """`[prompts.<lang>]`: `name`, `say_language`, `direction`, and prompt texts by key."""

    name: Name | None = None
    say_language: SayLanguage | None = None
    direction: Literal["ltr", "rtl"] | None = None
    text: ReadOnlyMap[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _gather_texts(cls, data: object) -> object:
        # In the file the texts sit beside the language's own keys; gather them in `text`.
        # A mapping that already has `text` (a dumped pack) is taken as it is.
        if not isinstance(data, Mapping) or isinstance(data.get("text"), Mapping):
            return data
        texts = {key: value for key, value in data.items() if key not in _PACK_KEYS}
        for key, value in texts.items():
            if not isinstance(value, str):
                raise ValueError(f"{key}: a prompt is text in quotes, got {value!r}")
        meta = {key: value for key, value in data.items() if key in _PACK_KEYS}
        return {**meta, "text": texts}
