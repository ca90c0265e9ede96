"""The Queue Members resource: who waits in a queue, and dequeuing one of them by CallSid.

Dequeuing is what Twilio documents: the member's call leaves `<Enqueue>` (its action gets
`QueueResult=redirected`) and runs the TwiML at `Url`. A member is dequeued at most once:
the second request for the same call finds it gone (404), as a held caller who hung up is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from devtools.carrier.book import CallBook, CallControl
from devtools.carrier.resources import CallResource, JsonObject, error_json, member_json

FRONT = "Front"
Answer = tuple[int, JsonObject]


def _waiting(book: CallBook, queue_sid: str) -> list[CallResource]:
    found = book.calls(lambda call: call.queue_sid == queue_sid)
    return sorted(found, key=lambda call: (call.enqueued or call.created, call.sid))


def _member(book: CallBook, queue_sid: str, call_sid: str) -> CallResource | None:
    waiting = _waiting(book, queue_sid)
    if call_sid == FRONT:
        return waiting[0] if waiting else None
    return next((call for call in waiting if call.sid == call_sid), None)


def _not_found(call_sid: str) -> Answer:
    return 404, error_json(404, 20404, f"The requested resource {call_sid} was not found")


def fetch(book: CallBook, queue_sid: str, call_sid: str, now: datetime) -> Answer:
    """`GET .../Members/{CallSid}.json` (or `Front.json`)."""
    call = _member(book, queue_sid, call_sid)
    if call is None:
        return _not_found(call_sid)
    call.position = _waiting(book, queue_sid).index(call) + 1
    return 200, member_json(call, now)


def dequeue(
    book: CallBook, queue_sid: str, call_sid: str, form: Mapping[str, str], now: datetime
) -> Answer:
    """`POST .../Members/{CallSid}.json` with `Url`: take the member out, run `Url` on it."""
    if not form.get("Url"):
        return 400, error_json(400, 20001, "Missing required parameter Url in the post body")
    call = _member(book, queue_sid, call_sid)
    if call is None:
        return _not_found(call_sid)
    shown = member_json(call, now)
    taken: list[bool] = []

    def leave(resource: CallResource) -> None:
        # Under the book's lock: of two dequeues of one member only the first finds it.
        if resource.queue_sid == queue_sid:
            resource.queue_sid = None
            taken.append(True)

    book.update_call(call.sid, leave)
    if not taken:
        return _not_found(call_sid)
    method = form.get("Method", "POST").upper()
    book.post(CallControl(call.sid, url=form["Url"], method=method))
    return 200, shown
