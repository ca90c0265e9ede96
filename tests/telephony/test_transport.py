"""The HTTP layer: base-URL rewrite against a real local server, timeouts, quiet logs."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from callback.carrier import Direction, TelephonyError
from callback.types import E164
from devtools.carrier.resources import CallResource, call_json
from telephony import RoutedHttpClient, TwilioTelephony, build_client
from telephony.transport import describe, rewrite_url
from tests.carrier_support import ACCOUNT

CUSTOMER = E164("+442079460123")


@dataclass
class StandIn:
    """A local stand-in for api.twilio.com that records requests and creates calls."""

    requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    stall: threading.Event | None = None


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            stand_in.requests.append(("POST", self.path, dict(self.headers), form))
            if stand_in.stall is not None:
                stand_in.stall.wait()
                return
            call = CallResource(
                sid="CA" + "0" * 32,
                account_sid=ACCOUNT.sid,
                to=form["To"],
                from_=form["From"],
                direction=Direction.OUTBOUND_API,
                created=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            )
            body = json.dumps(call_json(call)).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            stand_in.requests.append(("GET", self.path, dict(self.headers), {}))
            body = json.dumps({"calls": [], "next_page_uri": None, "page": 0}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@pytest.fixture
def stand_in() -> Iterator[tuple[StandIn, str]]:
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/mock"
    finally:
        if state.stall is not None:
            state.stall.set()
        server.shutdown()
        server.server_close()


def _telephony(api_url: str, timeout_s: float = 5.0) -> TwilioTelephony:
    client = build_client(
        account_sid=ACCOUNT.sid, auth_token=ACCOUNT.auth_token, api_url=api_url, timeout_s=timeout_s
    )
    return TwilioTelephony(client)


def _place(telephony: TwilioTelephony) -> str:
    return telephony.place_call(
        to=CUSTOMER,
        from_="+442079460001",
        url="https://holdless.example.org/answer",
        status_callback="https://holdless.example.org/status",
        amd_callback="https://holdless.example.org/amd",
        timeout_s=20,
    )


def test_requests_go_to_the_configured_base_url(stand_in: tuple[StandIn, str]) -> None:
    state, base = stand_in
    assert _place(_telephony(base)) == "CA" + "0" * 32
    [(method, path, headers, form)] = state.requests
    assert method == "POST"
    assert path == f"/mock/2010-04-01/Accounts/{ACCOUNT.sid}/Calls.json"
    assert headers["Authorization"].startswith("Basic ")
    assert form["To"] == CUSTOMER


def test_a_stalled_answer_times_out_as_ambiguous(stand_in: tuple[StandIn, str]) -> None:
    state, base = stand_in
    state.stall = threading.Event()
    with pytest.raises(TelephonyError) as caught:
        _place(_telephony(base, timeout_s=0.2))
    assert caught.value.retryable and caught.value.ambiguous
    assert len(state.requests) == 1


def test_a_refused_connection_is_retryable_and_not_ambiguous() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TelephonyError) as caught:
        _place(_telephony(f"http://127.0.0.1:{port}"))
    assert caught.value.retryable and not caught.value.ambiguous


def test_the_logs_hold_no_number_and_no_credentials(
    stand_in: tuple[StandIn, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, base = stand_in
    telephony = _telephony(base)
    with caplog.at_level(logging.DEBUG):
        _place(telephony)
        assert telephony.calls_to(CUSTOMER, datetime(2026, 3, 2, tzinfo=UTC)) == []
    # urllib3's own DEBUG lines carry the raw request line; the app keeps that logger
    # above DEBUG. What this adapter writes is checked here.
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("holdless"))
    assert "twilio request POST" in text and "twilio request GET" in text
    assert CUSTOMER not in text and CUSTOMER[1:] not in text
    assert ACCOUNT.auth_token not in text and "Authorization" not in text


def test_the_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RoutedHttpClient(timeout_s=0)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        (
            "https://api.twilio.com/2010-04-01/x.json",
            "http://127.0.0.1:4010",
            "http://127.0.0.1:4010/2010-04-01/x.json",
        ),
        (
            "https://api.twilio.com/2010-04-01/x.json",
            "http://h/mock/",
            "http://h/mock/2010-04-01/x.json",
        ),
        (
            "https://api.twilio.com/2010-04-01/x.json",
            "https://api.twilio.com",
            "https://api.twilio.com/2010-04-01/x.json",
        ),
        ("https://messaging.twilio.com/v1/x", "http://h", "https://messaging.twilio.com/v1/x"),
        (
            "https://api.twilio.com.evil.example/x",
            "http://h",
            "https://api.twilio.com.evil.example/x",
        ),
    ],
)
def test_rewrite_url(url: str, base: str, expected: str) -> None:
    assert rewrite_url(url, base) == expected


def test_describe_masks_numbers_in_query_and_params() -> None:
    line = describe(
        "GET", "https://api.twilio.com/Calls.json?To=%2B442079460123", {"From": "+442079460001"}
    )
    assert "442079460123" not in line and "442079460001" not in line
    assert line.startswith("GET https://api.twilio.com/Calls.json?To=")
