"""`[events]` (the outbound lifecycle webhook) and `[promises]` (broken-promise recovery)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Self

from pydantic import AfterValidator, Field, HttpUrl, model_validator

from callback.config.fields import Duration, FrozenModel, at_least, matching

EnvName = Annotated[
    str,
    AfterValidator(
        matching(
            re.compile(r"[A-Z_][A-Z0-9_]{0,127}"),
            "an environment variable name is upper-case letters, digits and '_'",
        )
    ),
]


class EventsConfig(FrozenModel):
    """`[events]`: where lifecycle events are POSTed and how they are signed and retried."""

    enabled: bool = False
    url: HttpUrl | None = None
    secret_env: EnvName | None = None
    """The environment variable holding the HMAC secret (the file never holds the secret)."""
    include_number: bool = False
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 10
    timeout: Annotated[Duration, at_least(timedelta(seconds=1))] = timedelta(seconds=5)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.enabled and (self.url is None or self.secret_env is None):
            raise ValueError("enabled events need both `url` and `secret_env`")
        return self


class PromisesConfig(FrozenModel):
    """`[promises]`: what happens when a request is not dialled by its promised time."""

    apology_sms: bool = True
