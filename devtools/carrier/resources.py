"""Call and message resources, and their JSON as Twilio's 2010-04-01 API returns it.

Field names and formats follow Twilio's OpenAPI description
(`api.v2010.account.call`, `api.v2010.account.message`, the list envelopes, and
RFC 2822 dates), so the twilio client parses the answers with its own code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlencode

from callback.carrier import (
    API_VERSION,
    AnsweredBy,
    CallStatus,
    Direction,
    MessageStatus,
    StatusEvent,
)
from devtools.carrier.records import Pairs

JsonObject = dict[str, object]


@dataclass(frozen=True, slots=True)
class CallOrder:
    """The instructions a `POST .../Calls.json` gave: where the TwiML is, who to tell what."""

    url: str | None
    twiml: str | None
    method: str = "POST"
    status_callback: str | None = None
    status_events: tuple[StatusEvent, ...] = ()
    status_method: str = "POST"
    machine_detection: str | None = None
    async_amd: bool = False
    amd_callback: str | None = None
    amd_method: str = "POST"
    timeout_s: int = 60

    @staticmethod
    def from_form(form: Pairs) -> CallOrder:
        """Read the order from the form fields of the create request."""
        fields = dict(form)
        events = tuple(StatusEvent(value) for key, value in form if key == "StatusCallbackEvent")
        return CallOrder(
            url=fields.get("Url"),
            twiml=fields.get("Twiml"),
            method=fields.get("Method", "POST").upper(),
            status_callback=fields.get("StatusCallback"),
            status_events=events,
            status_method=fields.get("StatusCallbackMethod", "POST").upper(),
            machine_detection=fields.get("MachineDetection"),
            async_amd=fields.get("AsyncAmd", "false").lower() == "true",
            amd_callback=fields.get("AsyncAmdStatusCallback"),
            amd_method=fields.get("AsyncAmdStatusCallbackMethod", "POST").upper(),
            timeout_s=int(fields.get("Timeout", "60")),
        )

    def reports(self, event: StatusEvent) -> bool:
        """Whether the status callback wants `event` (only `completed` when none named)."""
        if self.status_callback is None:
            return False
        return event in (self.status_events or (StatusEvent.COMPLETED,))


@dataclass(eq=False, slots=True)
class CallResource:
    """The REST view of one call leg; the carrier keeps it current."""

    sid: str
    account_sid: str
    to: str
    from_: str
    direction: Direction
    created: datetime
    status: CallStatus = CallStatus.QUEUED
    parent_sid: str | None = None
    started: datetime | None = None
    ended: datetime | None = None
    duration: int | None = None
    answered_by: AnsweredBy | None = None
    updated: datetime | None = None
    order: CallOrder | None = None
    queue_sid: str | None = None
    """The queue the call waits in now (`<Enqueue>`), for the Queue Members resource."""
    enqueued: datetime | None = None
    position: int = 0


@dataclass(eq=False, slots=True)
class MessageResource:
    """The REST view of one SMS."""

    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    created: datetime
    direction: str = "outbound-api"
    status: MessageStatus = MessageStatus.QUEUED
    status_callback: str | None = None
    updated: datetime | None = None
    error_code: int | None = None
    params: Mapping[str, str] = field(default_factory=dict)


def rfc2822(moment: datetime | None) -> str | None:
    """A date as the 2010-04-01 API writes it, "Tue, 31 Aug 2010 20:36:28 +0000"."""
    return None if moment is None else format_datetime(moment)


def account_path(account_sid: str) -> str:
    """The path prefix of one account's resources."""
    return f"/{API_VERSION}/Accounts/{account_sid}"


def call_json(call: CallResource) -> JsonObject:
    """A Call resource as JSON."""
    uri = f"{account_path(call.account_sid)}/Calls/{call.sid}"
    return {
        "sid": call.sid,
        "account_sid": call.account_sid,
        "parent_call_sid": call.parent_sid,
        "date_created": rfc2822(call.created),
        "date_updated": rfc2822(call.updated or call.created),
        "to": call.to,
        "to_formatted": call.to,
        "from": call.from_,
        "from_formatted": call.from_,
        "phone_number_sid": None,
        "status": str(call.status),
        "start_time": rfc2822(call.started),
        "end_time": rfc2822(call.ended),
        "duration": None if call.duration is None else str(call.duration),
        "price": None,
        "price_unit": "USD",
        "direction": str(call.direction),
        "answered_by": None if call.answered_by is None else str(call.answered_by),
        "api_version": API_VERSION,
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "uri": f"{uri}.json",
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
        },
    }


def member_json(call: CallResource, now: datetime) -> JsonObject:
    """A Queue Member resource as JSON: the call waiting in its queue."""
    queue = f"{account_path(call.account_sid)}/Queues/{call.queue_sid}"
    waited = 0 if call.enqueued is None else int((now - call.enqueued).total_seconds())
    return {
        "call_sid": call.sid,
        "queue_sid": call.queue_sid,
        "date_enqueued": rfc2822(call.enqueued),
        "position": call.position,
        "wait_time": waited,
        "uri": f"{queue}/Members/{call.sid}.json",
    }


def message_json(message: MessageResource) -> JsonObject:
    """A Message resource as JSON."""
    uri = f"{account_path(message.account_sid)}/Messages/{message.sid}"
    return {
        "sid": message.sid,
        "account_sid": message.account_sid,
        "body": message.body,
        "num_segments": "1",
        "num_media": "0",
        "direction": message.direction,
        "from": message.from_,
        "to": message.to,
        "status": str(message.status),
        "date_created": rfc2822(message.created),
        "date_updated": rfc2822(message.updated or message.created),
        "date_sent": None,
        "error_code": message.error_code,
        "error_message": None,
        "messaging_service_sid": None,
        "price": None,
        "price_unit": "USD",
        "api_version": API_VERSION,
        "uri": f"{uri}.json",
        "subresource_uris": {"media": f"{uri}/Media.json"},
    }


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page of a list was asked for, and the filters to repeat in page links."""

    path: str
    filters: Mapping[str, str]
    page: int
    size: int


def page_json(key: str, items: list[JsonObject], request: PageRequest) -> JsonObject:
    """A list envelope (`calls`, `messages`) with Twilio's paging fields."""
    start = request.page * request.size
    shown = items[start : start + request.size]

    def link(page: int) -> str:
        query = urlencode({**request.filters, "PageSize": request.size, "Page": page})
        return f"{request.path}?{query}"

    more = start + request.size < len(items)
    return {
        key: shown,
        "first_page_uri": link(0),
        "next_page_uri": link(request.page + 1) if more else None,
        "previous_page_uri": link(request.page - 1) if request.page > 0 else None,
        "page": request.page,
        "page_size": request.size,
        "start": start,
        "end": start + max(len(shown) - 1, 0),
        "uri": link(request.page),
    }


def error_json(status: int, code: int, message: str) -> JsonObject:
    """Twilio's error body: code, message, more_info and status."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
