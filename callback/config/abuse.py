"""`[abuse]`: rate limits, the surge breaker, the bot checks and SMS verification of numbers."""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from callback.config.fields import Duration, EnvName, FrozenModel, at_least, matching
from callback.types import Channel

Limit = Annotated[int, Field(ge=1, le=1_000_000)]
FieldName = Annotated[
    str,
    AfterValidator(
        matching(re.compile(r"[a-z][a-z0-9_]{0,39}"), "a form field name like 'website'")
    ),
]


def _within_an_hour(value: timedelta) -> timedelta:
    # A pending submission holds personal data that nobody has confirmed yet: keep it briefly.
    if value > timedelta(hours=1):
        raise ValueError("at most 1h")
    return value


class CaptchaProvider(StrEnum):
    """The challenge shown on the public form."""

    NONE = "none"
    TURNSTILE = "turnstile"
    HCAPTCHA = "hcaptcha"


class VerifyNumbers(StrEnum):
    """How a typed number is proven to belong to the person asking."""

    OFF = "off"
    SMS = "sms"


VerifiedChannel = Literal["web", "app", "api"]


class BreakerConfig(FrozenModel):
    """Stop taking web requests when volume exceeds `factor` times normal over `window`."""

    factor: Annotated[float, Field(gt=1, le=1000)] = 5.0
    window: Annotated[Duration, at_least(timedelta(minutes=1))] = timedelta(minutes=15)
    min_requests: Limit = 20


class CaptchaConfig(FrozenModel):
    """The captcha; its secret is read from the environment variable `secret_env`."""

    provider: CaptchaProvider = CaptchaProvider.NONE
    site_key: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    secret_env: EnvName | None = None


class AbuseConfig(FrozenModel):
    """`[abuse]`."""

    per_number_active: Limit = 1
    per_number_per_day: Limit = 3
    per_ip_per_hour: Limit = 5
    per_prefix_per_hour: Limit = 20
    prefix_digits: Annotated[int, Field(ge=4, le=12)] = 7
    per_country_per_hour: Limit = 200
    verify_numbers: VerifyNumbers = VerifyNumbers.OFF
    verification_ttl: Annotated[
        Duration, at_least(timedelta(minutes=1)), AfterValidator(_within_an_hour)
    ] = timedelta(minutes=10)
    verification_attempts: Annotated[int, Field(ge=1, le=10)] = 5
    verify_channels: Annotated[tuple[VerifiedChannel, ...], Field(min_length=1)] = ("web",)
    min_fill_seconds: Annotated[int, Field(ge=0, le=600)] = 3
    honeypot_field: FieldName = "website"
    breaker: BreakerConfig = Field(default_factory=BreakerConfig)
    captcha: CaptchaConfig = Field(default_factory=CaptchaConfig)

    @property
    def sms_verification(self) -> bool:
        """True when numbers typed through a verified channel must be confirmed by SMS."""
        return self.verify_numbers is VerifyNumbers.SMS

    def verifies(self, channel: Channel) -> bool:
        """True when a request through `channel` must confirm its number first."""
        return self.sms_verification and channel in self.verify_channels
