"""The abuse checks of a public request that only the API has (bot checks, the tally), and
the API's answer when the one admission of every channel (`callback.service.admission`)
refuses a booking."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from callback.config.abuse import AbuseConfig
from callback.service.admission import Refusal, Refused
from callback.store.abuse import AbuseStore
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.schemas import CallbackIn

log = logging.getLogger("holdless.api")


def refusal(config: AbuseConfig, refused: Refused) -> ApiProblem:
    """The answer to a refused booking: 409, 422, 429 or 503, naming the field and the rule."""
    match refused.refusal:
        case Refusal.NUMBER_ACTIVE:
            message = "this number already has a callback waiting"
            return ApiProblem(409, Code.ALREADY_REQUESTED, "phone", message, reason="number_active")
        case Refusal.SURGE:
            return paused(config)
        case Refusal.SUPPRESSED:
            message = (
                "this number asked us to send it no more text messages, so it cannot be verified"
            )
            return ApiProblem(422, Code.INVALID_NUMBER, "phone", message, reason="sms_opted_out")
        case Refusal.LIMIT:
            return _limited(refused)


def _limited(refused: Refused) -> ApiProblem:
    """The 429 answer for a full window."""
    kind = refused.window or "number"
    field = {"ip": None, "number": "phone", "prefix": "phone", "country": "phone"}.get(kind)
    message = f"too many requests for this {kind}; try again later"
    return ApiProblem(
        429, Code.RATE_LIMITED, field, message, reason=kind, retry_after=refused.retry_after
    )


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
