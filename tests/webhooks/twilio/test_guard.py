"""Where a webhook handler runs: on the loop for embedded SQLite, in a thread otherwise."""

from __future__ import annotations

import asyncio
import threading

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from webhooks.twilio.guard import request_target, run_handler
from webhooks.twilio.turn import Turn


def _where(inline: bool) -> tuple[int, int]:
    ran_on: list[int] = []

    def handler(turn: Turn) -> str:
        ran_on.append(threading.get_ident())
        return "<Response/>"

    async def main() -> tuple[int, str | None]:
        reply = await run_handler(handler, None, inline=inline)  # type: ignore[arg-type]
        return threading.get_ident(), reply

    loop_thread, reply = asyncio.run(main())
    assert reply == "<Response/>"
    return loop_thread, ran_on[0]


def test_an_inline_handler_runs_on_the_event_loop() -> None:
    loop_thread, handler_thread = _where(inline=True)
    assert handler_thread == loop_thread


def test_a_threaded_handler_leaves_the_event_loop_free() -> None:
    loop_thread, handler_thread = _where(inline=False)
    assert handler_thread != loop_thread


def _request(path: str, query: bytes) -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8000")],
        "server": ("127.0.0.1", 8000),
    }
    return Request(scope)


# Tab, CR and LF never arrive literally in an HTTP request line; nor does "#" in a query.
_TEXT = st.text(st.characters(exclude_characters="\t\r\n", exclude_categories=["Cs"]))


@given(_TEXT, _TEXT.filter(lambda query: "#" not in query))
def test_the_target_is_what_starlette_reads_from_the_url(path: str, query: str) -> None:
    request = _request("/" + path, query.encode())
    assert request_target(request) == (request.url.path, request.url.query)


def test_the_target_keeps_escaped_separators_escaped() -> None:
    request = _request("/twilio/ivr/a?b#c\\d", b"queue=support&lang=en")
    assert request_target(request) == ("/twilio/ivr/a%3Fb%23c%5Cd", "queue=support&lang=en")
