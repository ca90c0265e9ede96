"""SMS verification of a typed number (double opt-in, `[abuse] verify_numbers = "sms"`).

`POST /callbacks` from a verified channel runs every check and limit, then holds the request
instead of booking it: 202 with an opaque `verification_id`, and a code sent by SMS to the
number. `POST /callbacks/verify` with the id and the code books exactly what was held and
answers as `POST /callbacks` would have. A new request for the same number replaces the held
one (new id, new code, attempts reset); the per-number limits bound how often that can happen.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.privacy import mask_number
from callback.store.verification import Checked, Guess, Pending, Verdict
from callback.types import RequestId
from webhooks.api.auth import Client, sha256_hex
from webhooks.api.body import capped_body, json_object
from webhooks.api.booking import (
    Ask,
    Desk,
    Outcome,
    applicant,
    ask_for,
    authenticated,
    book,
    client_ip,
    created,
    desk,
    slot_for,
)
from webhooks.api.cors import answer, with_cors
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.limits import refusal, tally
from webhooks.api.schemas import CODE_LENGTH, CallbackIn, VerificationOut, VerifyIn
from webhooks.api.state import ApiState, api_state

log = logging.getLogger("holdless.api")
SMS_PROMPT = "sms_verification_code"


def new_code() -> str:
    """A uniformly random code of `CODE_LENGTH` digits."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def code_mac(verification_id: str, code: str) -> str:
    """The code as stored: an HMAC-SHA256 keyed by the verification id."""
    # Only the client holds the id (the database has its hash), so a copy of the database
    # cannot be searched through the million possible codes of a known number.
    return hmac.new(verification_id.encode(), code.encode(), hashlib.sha256).hexdigest()


async def hold(here: Desk, api: ApiState, ask: Ask) -> Response:
    """Admit `ask` (limits counted), keep it and text the code to its number: 202."""
    out = await run_in_threadpool(_hold, here, api, ask)
    return JSONResponse(out.model_dump(mode="json"), status_code=202)


def _hold(here: Desk, api: ApiState, ask: Ask) -> VerificationOut:
    config, now = here.config, here.now
    refused = here.bookings.admit(config, applicant(ask), now)
    if refused is not None:
        raise refusal(config.abuse, refused)
    verification_id, code = secrets.token_urlsafe(32), new_code()
    ttl = config.abuse.verification_ttl
    pending = Pending(
        id_sha256=sha256_hex(verification_id.encode()),
        number=ask.number.e164,
        code_mac=code_mac(verification_id, code),
        client_id=ask.client.id,
        # The captcha token is spent and large; nothing else is dropped.
        submission=ask.body.model_dump_json(exclude={"captcha_token"}),
        created_at=now,
        expires_at=now + ttl,
    )
    api.verifications.replace(pending)
    text = config.catalogue.render(
        ask.language,
        SMS_PROMPT,
        company=config.service.company,
        code=code,
        minutes=math.ceil(ttl.total_seconds() / 60),
    )
    here.bookings.notifier.send(ask.number.e164, text)
    log.info("verification code for %s via %s", mask_number(ask.number.e164), ask.client.id)
    return VerificationOut(
        status="verification_required",
        verification_id=verification_id,
        expires_at=pending.expires_at,
        code_length=CODE_LENGTH,
    )


async def verify_callback(request: Request) -> Response:
    """Book a held request once its code comes back: answers as `POST /callbacks` would."""
    here, api = desk(request), api_state(request)
    try:
        return with_cors(request, await _verify(request, here, api))
    except ApiProblem as problem:
        await run_in_threadpool(tally, api.abuse, problem, here.now)
        return answer(request, problem)


async def _verify(request: Request, here: Desk, api: ApiState) -> Response:
    raw = await capped_body(request)
    client = await authenticated(request, here.config, api, raw, here.now)
    sent = verify_in(json_object(raw))
    guess = Guess(
        id_sha256=sha256_hex(sent.verification_id.encode()),
        code_mac=code_mac(sent.verification_id, sent.code),
        client_id=client.id,
        max_attempts=here.config.abuse.verification_attempts,
    )
    checked = await run_in_threadpool(api.verifications.check, guess, here.now)
    held = confirmed(checked)
    done = await run_in_threadpool(_book, here, client, held, client_ip(request))
    # The code went out before the request existed: it joins the timeline once booked.
    await run_in_threadpool(api.verifications.texted, RequestId(done.status.id), held)
    return created(request, done)


def _book(here: Desk, client: Client, held: Pending, ip: str) -> Outcome:
    # Checked again against the config and the queue of now; the limits counted it already.
    ask = ask_for(here.config, client, CallbackIn.model_validate_json(held.submission), ip)
    return book(here, ask, slot_for(here, ask), counted=True)


def confirmed(checked: Checked) -> Pending:
    """The held submission of a right code; the API's answer for every other verdict."""
    match checked.verdict:
        case Verdict.RIGHT:
            assert checked.pending is not None  # a right code always comes with its row
            return checked.pending
        case Verdict.UNKNOWN:
            message = "no verification has this id; it may have been replaced by a newer one"
            raise ApiProblem(404, Code.NOT_FOUND, "verification_id", message)
        case Verdict.EXPIRED:
            message = "this code has expired; please send the request again for a new one"
            raise ApiProblem(410, Code.VERIFICATION_EXPIRED, "code", message)
        case Verdict.LOCKED:
            message = "too many wrong codes; please send the request again for a new one"
            raise ApiProblem(429, Code.VERIFICATION_LOCKED, "code", message)
        case Verdict.WRONG:
            message = "that is not the code we sent; please check the message and try again"
            raise ApiProblem(
                422,
                Code.VERIFICATION_CODE_WRONG,
                "code",
                message,
                attempts_left=checked.attempts_left,
            )


def verify_in(body: dict[str, Any]) -> VerifyIn:
    """The verify body, or 422 naming the first field that breaks a rule."""
    try:
        return VerifyIn.model_validate(body)
    except ValidationError as error:
        detail = error.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(part) for part in detail["loc"][:1]) or None
        if detail["type"] == "extra_forbidden":
            message = "this field is not part of the API"
            raise ApiProblem(422, Code.UNKNOWN_FIELD, field, message) from None
        if detail["type"] == "string_pattern_mismatch" and field == "code":
            message = f"the code is {CODE_LENGTH} digits"
            raise ApiProblem(422, Code.INVALID_FIELD, field, message) from None
        raise ApiProblem(422, Code.INVALID_FIELD, field, detail["msg"]) from None
