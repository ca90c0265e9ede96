"""Asynchronous AMD: a machine that answered a callback is moved to the machine message.

With asynchronous detection Twilio fetches the answer URL at once, so a machine starts
hearing the menu for a person; when the verdict "machine" arrives the live call is
redirected (Calls API update) to the same answer URL, which now finds the verdict stored
and answers with the short machine message. The REST request runs on its own thread,
so the status callback answers at once; only the first machine verdict of a live,
customer-first call being dialled redirects it, so duplicates change nothing.
"""

from __future__ import annotations

import logging
import threading

from callback.carrier import Telephony, TelephonyError, is_machine
from callback.config.policy import DialMode
from callback.store.calls import FINAL_RANK, CallRecord
from callback.types import State
from ivr.links import Link, Links, Step
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")

CALL_NOT_LIVE = 21220
"""Twilio's error code for updating a call that has already ended."""


def answer_url(turn: Turn, sid: str) -> str | None:
    """The answer URL of the callback call `sid` if it should hear the machine message now."""
    attempt = turn.svc.calls.attempt_for(sid)
    if attempt is None or attempt.ended:
        return None
    request = turn.svc.store.get(attempt.request_id)
    if request is None or request.state is not State.DIALING:
        return None  # connected (the customer pressed 1), or already settled
    if turn.config.callback_policy(request.queue).dial_mode is not DialMode.CUSTOMER_FIRST:
        return None
    base = str(turn.svc.settings.public_base_url).rstrip("/")
    link = Link(Step.ANSWER, queue=request.queue, lang=request.language, request=request.id)
    return Links(base).url(link)


def machine_verdict(turn: Turn, sid: str, answered_by: str, before: CallRecord) -> None:
    """After AMD says `answered_by` for `sid` (recorded over `before`), redirect a machine."""
    if not is_machine(answered_by):
        return
    if is_machine(before.answered_by) or before.status_rank >= FINAL_RANK:
        return  # a repeated verdict, or a call already over
    url = answer_url(turn, sid)
    if url is None:
        return
    worker = threading.Thread(
        target=redirect, args=(turn.svc.telephony, sid, url), name=f"amd-{sid[-8:]}", daemon=True
    )
    worker.start()


def redirect(telephony: Telephony, sid: str, url: str) -> None:
    """Move the call to `url`; a failure is logged, never raised (it runs on its own thread)."""
    try:
        telephony.redirect_call(sid, url=url)
    except TelephonyError as error:
        if error.code == CALL_NOT_LIVE:
            log.info("call %s ended before the machine message: nothing to redirect", sid)
        else:
            log.warning("call %s not redirected to the machine message: %s", sid, error)
    except Exception as error:  # a background thread must not die with a traceback
        log.error("call %s redirect failed: %s", sid, type(error).__name__, exc_info=error)
