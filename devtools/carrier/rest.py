"""The REST side of the simulated carrier: an `HttpClient` the real twilio client talks to.

The app builds `twilio.rest.Client(http_client=SimulatedTwilioHttp(...))`, so every
request goes through the library's own serialisation and every answer through its own
parsing. Requests are checked the way Twilio checks them (credentials, required
fields) and answered with Twilio's JSON, including its error shape.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from requests.exceptions import ConnectTimeout, ReadTimeout
from twilio.http import HttpClient
from twilio.http.response import Response

from callback.carrier import CallStatus, Direction
from devtools.carrier import members
from devtools.carrier.book import CallBook, CallControl, NewCall, NewMessage
from devtools.carrier.records import Pairs, Records, RestExchange, pairs
from devtools.carrier.resources import (
    CallOrder,
    CallResource,
    JsonObject,
    MessageResource,
    PageRequest,
    call_json,
    error_json,
    message_json,
    page_json,
)
from devtools.twilio_contract import published

_ROUTE = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>[^/]+)/(?P<kind>Calls|Messages)"
    r"(?:/(?P<sid>[A-Za-z0-9]{34}))?\.json$"
)
_MEMBER = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Queues/(?P<queue>QU[0-9a-f]{32})"
    r"/Members/(?P<call>CA[0-9a-f]{32}|Front)\.json$"
)
_HANG_UP = frozenset({CallStatus.COMPLETED, CallStatus.CANCELED})


@dataclass(frozen=True, slots=True)
class Fault:
    """A failure for the next REST request: an HTTP error, or a timeout before or after
    the carrier acted on it (the second is the ambiguous case)."""

    status: int | None = None
    timeout: Literal["before", "after"] | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """A status code and a JSON body."""

    status: int
    body: JsonObject


def _error(status: int, code: int, message: str) -> Answer:
    return Answer(status, error_json(status, code, message))


def _missing(form: dict[str, str], *names: str) -> bool:
    return not any(form.get(name) for name in names)


def _calls_filter(query: dict[str, str]) -> Callable[[CallResource], bool]:
    wanted = {key: query[key] for key in ("To", "From", "Status", "ParentCallSid") if key in query}
    after = date.fromisoformat(query["StartTime>"][:10]) if "StartTime>" in query else None
    before = date.fromisoformat(query["StartTime<"][:10]) if "StartTime<" in query else None

    def keep(call: CallResource) -> bool:
        fields = {"To": call.to, "From": call.from_, "Status": str(call.status)}
        fields["ParentCallSid"] = call.parent_sid or ""
        if any(fields[key] != value for key, value in wanted.items()):
            return False
        if after is None and before is None:
            return True
        # Like the real API, StartTime filters compare dates and skip unstarted calls.
        day = None if call.started is None else call.started.date()
        return (
            day is not None
            and (after is None or day >= after)
            and (before is None or day <= before)
        )

    return keep


class SimulatedTwilioHttp(HttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """Answers the Calls and Messages resources of one account, and records every request."""

    def __init__(
        self,
        book: CallBook,
        records: Records,
        *,
        auth_token: str,
        now: Callable[[], datetime],
    ) -> None:
        super().__init__(logging.getLogger("holdless.carrier.rest"), False, None)
        self.book = book
        self.records = records
        self._auth = (book.account_sid, auth_token)
        self._now = now
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()

    def inject(self, fault: Fault) -> None:
        """Make the next request fail as `fault` says."""
        with self._lock:
            self._faults.append(fault)

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Handle one request as Twilio would; raise `requests` timeouts for injected faults."""
        parts = urlsplit(url)
        query = pairs(params) + tuple(parse_qsl(parts.query))
        form = pairs(data)
        fault = self._next_fault()
        if fault is not None and fault.timeout == "before":
            self._record(method, parts.path, query + form, Answer(0, {}))
            raise ConnectTimeout("simulated: no connection")
        if fault is not None and fault.status is not None:
            answer = _error(fault.status, 20500, "Simulated failure")
        else:
            answer = self._answer(method.upper(), parts.path, query, form, auth)
        self._record(method, parts.path, query + form, answer)
        if fault is not None and fault.timeout == "after":
            raise ReadTimeout("simulated: no answer after the request was sent")
        return Response(answer.status, json.dumps(answer.body), {})

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _record(self, method: str, path: str, params: Pairs, answer: Answer) -> None:
        exchange = RestExchange(
            at=self._now(),
            method=method.upper(),
            path=path,
            params=params,
            status=answer.status,
            body=json.dumps(answer.body),
        )
        self.records.add_rest(exchange)

    def _answer(
        self,
        method: str,
        path: str,
        query: Pairs,
        form: Pairs,
        auth: tuple[str, str] | None,
    ) -> Answer:
        if auth != self._auth:
            return _error(401, 20003, "Authenticate")
        # Stricter than Twilio, which ignores unknown fields: every request the app sends
        # must fit the published contract, so a test through the simulator proves it does.
        # A missing required field is left to the resource, which answers Twilio's own code,
        # and an operation the API lacks to the routing (404 or 405, as Twilio answers).
        operation = published().find(method, path)
        params = form if method == "POST" else query
        problems = [] if operation is None else operation.problems(path, params, required=False)
        if problems:
            return _error(400, 20001, "Invalid parameter: " + "; ".join(problems))
        member = _MEMBER.match(path)
        if member is not None and member["account"] == self.book.account_sid:
            return self._member(method, member["queue"], member["call"], dict(form))
        route = _ROUTE.match(path)
        if route is None or route["account"] != self.book.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        return self._dispatch(method, route["kind"], route["sid"], dict(query), form)

    def _member(self, method: str, queue: str, call: str, form: dict[str, str]) -> Answer:
        if method == "POST":
            status, body = members.dequeue(self.book, queue, call, form, self._now())
        else:
            status, body = members.fetch(self.book, queue, call, self._now())
        return Answer(status, body)

    def _dispatch(
        self, method: str, kind: str, sid: str | None, query: dict[str, str], form: Pairs
    ) -> Answer:
        match (method, kind, sid is None):
            case ("POST", "Calls", True):
                return self._create_call(form)
            case ("GET", "Calls", True):
                return self._list_calls(query)
            case ("GET", "Calls", False):
                return self._fetch_call(str(sid))
            case ("POST", "Calls", False):
                return self._update_call(str(sid), dict(form))
            case ("POST", "Messages", True):
                return self._create_message(dict(form))
            case ("GET", "Messages", True):
                return self._list_messages(query)
            case ("GET", "Messages", False):
                return self._fetch_message(str(sid))
        return _error(405, 20004, "Method not allowed")

    def _create_call(self, form: Pairs) -> Answer:
        fields = dict(form)
        if _missing(fields, "To"):
            return _error(400, 21201, "No 'To' number is specified")
        if _missing(fields, "From"):
            return _error(400, 21213, "No 'From' number is specified")
        if _missing(fields, "Url", "Twiml", "ApplicationSid"):
            return _error(400, 21205, "Url parameter is required")
        try:
            order = CallOrder.from_form(form)
        except ValueError:
            return _error(400, 20001, "Invalid parameter")
        call = CallResource(
            sid=self.book.new_sid("CA"),
            account_sid=self.book.account_sid,
            to=fields["To"],
            from_=fields["From"],
            direction=Direction.OUTBOUND_API,
            created=self._now(),
            order=order,
        )
        self.book.add_call(call)
        self.book.post(NewCall(call.sid))
        return Answer(201, call_json(call))

    def _list_calls(self, query: dict[str, str]) -> Answer:
        try:
            keep = _calls_filter(query)
            request = _page_request(self.book.account_sid, "Calls", query)
        except ValueError:
            return _error(400, 20001, "Invalid parameter")
        found = [call_json(call) for call in self.book.calls(keep)]
        return Answer(200, page_json("calls", found, request))

    def _fetch_call(self, sid: str) -> Answer:
        call = self.book.call(sid)
        if call is None:
            return _error(404, 20404, f"The requested resource {sid} was not found")
        return Answer(200, call_json(call))

    def _update_call(self, sid: str, fields: dict[str, str]) -> Answer:
        call = self.book.call(sid)
        if call is None:
            return _error(404, 20404, f"The requested resource {sid} was not found")
        if call.status.is_final:
            return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
        status = _hang_up_status(fields.get("Status"))
        if "Status" in fields and status is None:
            return _error(400, 20001, "Invalid parameter: Status")
        method = fields.get("Method", "POST").upper()
        self.book.post(CallControl(sid, status=status, url=fields.get("Url"), method=method))
        return Answer(200, call_json(call))

    def _create_message(self, fields: dict[str, str]) -> Answer:
        if _missing(fields, "To"):
            return _error(400, 21604, "'To' phone number is required to send a Message")
        if _missing(fields, "From", "MessagingServiceSid"):
            return _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required")
        if _missing(fields, "Body", "MediaUrl", "ContentSid"):
            return _error(400, 21602, "Message body is required")
        message = MessageResource(
            sid=self.book.new_sid("SM"),
            account_sid=self.book.account_sid,
            to=fields["To"],
            from_=fields.get("From", ""),
            body=fields.get("Body", ""),
            created=self._now(),
            status_callback=fields.get("StatusCallback"),
            params=fields,
        )
        self.book.add_message(message)
        self.book.post(NewMessage(message.sid))
        return Answer(201, message_json(message))

    def _list_messages(self, query: dict[str, str]) -> Answer:
        try:
            request = _page_request(self.book.account_sid, "Messages", query)
        except ValueError:
            return _error(400, 20001, "Invalid parameter")
        to = query.get("To")
        found = [message_json(m) for m in self.book.messages() if to in (None, m.to)]
        return Answer(200, page_json("messages", found, request))

    def _fetch_message(self, sid: str) -> Answer:
        message = self.book.message(sid)
        if message is None:
            return _error(404, 20404, f"The requested resource {sid} was not found")
        return Answer(200, message_json(message))


def _hang_up_status(value: str | None) -> CallStatus | None:
    matching = [status for status in _HANG_UP if status == value]
    return matching[0] if matching else None


def _page_request(account_sid: str, kind: str, query: dict[str, str]) -> PageRequest:
    filters = {key: value for key, value in query.items() if key not in ("PageSize", "Page")}
    size = int(query.get("PageSize", "50"))
    page = int(query.get("Page", "0"))
    if not 1 <= size <= 1000 or page < 0:
        raise ValueError("page out of range")
    return PageRequest(f"/2010-04-01/Accounts/{account_sid}/{kind}.json", filters, page, size)
