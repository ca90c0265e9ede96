"""The abuse limits of one public request: the counting windows, the breaker, the bot checks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from callback.config.abuse import AbuseConfig
from callback.numbers import AcceptedNumber
from callback.store.abuse import AbuseStore, Exceeded, Window
from webhooks.api.auth import Client
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.schemas import CallbackIn

log = logging.getLogger("holdless.api")

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
BREAKER_BASELINE = timedelta(days=1)
"""How far back "normal" volume is read for the breaker."""
KEEP_COUNTS = BREAKER_BASELINE + timedelta(days=1)
"""Counted requests older than this are read by no window."""
WEB, ALL = "web", "all"


def windows(config: AbuseConfig, client: Client, number: AcceptedNumber, ip: str) -> list[Window]:
    """Every window this request is counted in; the client IP only for apps and widgets."""
    digits = number.e164.removeprefix("+")
    found = [
        Window("number", number.e164, DAY, config.per_number_per_day),
        Window("prefix", digits[: config.prefix_digits], HOUR, config.per_prefix_per_hour),
        Window("country", number.region, HOUR, config.per_country_per_hour),
    ]
    # A server speaks for many customers from one address; its key is its identity.
    if client.channel != "api":
        found.insert(0, Window("ip", ip, HOUR, config.per_ip_per_hour))
    if client.is_web:
        # Counted for the breaker's baseline, never refused by this window itself.
        found.append(Window(WEB, ALL, HOUR, 1_000_000_000))
    return found


def refused(exceeded: Exceeded) -> ApiProblem:
    """The 429 answer for a full window."""
    kind = exceeded.window.kind
    field = {"ip": None, "number": "phone", "prefix": "phone", "country": "phone"}.get(kind)
    message = f"too many requests for this {kind}; try again later"
    return ApiProblem(
        429, Code.RATE_LIMITED, field, message, reason=kind, retry_after=exceeded.retry_after
    )


class Counts(Protocol):
    """Where the breaker reads counted requests: the store, or an admission in progress."""

    def count(self, kind: str, key: str, since: datetime, until: datetime) -> int:
        """Requests counted under `kind`/`key` in `[since, until)`."""
        ...


def breaker_open(config: AbuseConfig, store: Counts, now: datetime) -> bool:
    """True when web volume over the breaker window is far above its usual level."""
    breaker = config.breaker
    # Requests stamped after `now` count too: they read a later clock but took their turn first.
    recent = store.count(WEB, ALL, now - breaker.window, now + breaker.window)
    if recent < breaker.min_requests:
        return False
    before = store.count(WEB, ALL, now - breaker.window - BREAKER_BASELINE, now - breaker.window)
    usual = before * (breaker.window / BREAKER_BASELINE)
    return recent > breaker.factor * usual


def paused(config: AbuseConfig) -> ApiProblem:
    """The 503 answer while the breaker is open."""
    message = "we are receiving unusually many requests; please try again later"
    return ApiProblem(503, Code.SERVICE_PAUSED, None, message, retry_after=config.breaker.window)


def bot_check(config: AbuseConfig, body: CallbackIn, honeypot: object) -> None:
    """Refuse a filled honeypot or a form sent faster than a person can fill it."""
    if honeypot not in (None, ""):
        raise ApiProblem(
            400,
            Code.BOT_SUSPECTED,
            config.honeypot_field,
            "leave this field empty",
            reason="honeypot",
        )
    minimum = config.min_fill_seconds * 1000
    if minimum and (body.fill_ms is None or body.fill_ms < minimum):
        message = "the form was sent too quickly; please check it and send it again"
        raise ApiProblem(400, Code.BOT_SUSPECTED, "fill_ms", message, reason="too_fast")


def tally(store: AbuseStore, problem: ApiProblem, now: datetime) -> None:
    """Count a refusal by its reason; the refusal is answered even when this cannot be saved."""
    try:
        store.refused(problem.tally, now)
    except SQLAlchemyError as error:
        # The tally is a statistic for the supervisor; the client's answer must not change.
        log.warning("refusal %s not counted: %s", problem.tally, error)
