"""`/dev/calls`: every simulated call and its conversation, with the simulated carrier only.

A newcomer watching `make run` reads what each caller heard and pressed, and what each
customer called back and each agent lived through: the list at `/dev/calls`, one call at
`/dev/calls/{sid}`, both as JSON with `.json` (what `holdless calls` reads). Numbers are
masked. With the Twilio carrier none of these routes exists.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from webhooks.call_log import CallLog, CallRecord, summary, transcript
from webhooks.hosted import HEADERS

CALLS_PATH = "/dev/calls"
LISTED = 200
"""The newest calls the list shows."""


def _log(request: Request) -> CallLog | None:
    found: CallLog | None = getattr(request.app.state, "call_log", None)
    return found


def _calls(request: Request) -> list[CallRecord]:
    log = _log(request)
    return [] if log is None else log.calls()[:LISTED]


def _one(request: Request) -> CallRecord | None:
    sid = request.path_params["sid"]
    log = _log(request)
    return None if log is None else next((c for c in log.calls() if c.sid == sid), None)


async def calls_json(request: Request) -> Response:
    """The newest calls, newest first."""
    return JSONResponse({"calls": [summary(call) for call in _calls(request)]}, headers=HEADERS)


async def call_json(request: Request) -> Response:
    """One call's conversation; 404 for a call the carrier never played."""
    call = _one(request)
    if call is None:
        return JSONResponse({"error": "no such call"}, status_code=404, headers=HEADERS)
    return JSONResponse(transcript(call), headers=HEADERS)


async def calls_page(request: Request) -> Response:
    """The list as a page, each call linked to its conversation."""
    rows = "".join(_row(summary(call)) for call in _calls(request))
    head = "".join(f"<th>{name}</th>" for name in ("started", "call", "from", "to", "status"))
    return _page("Simulated calls", f"<table><tr>{head}</tr>{rows}</table>")


async def call_page(request: Request) -> Response:
    """One call's conversation as a page."""
    call = _one(request)
    if call is None:
        return _page("No such call", "<p>The simulated carrier played no such call.</p>", 404)
    shown = transcript(call)
    steps = shown["transcript"]
    assert isinstance(steps, list)
    lines = "".join(
        f"<tr><td>{step['at_s']:.1f} s</td><td>{escape(step['what'])}</td>"
        f"<td>{escape(step['text'])}</td></tr>"
        for step in steps
    )
    head = escape(f"{shown['direction']} {shown['from']} -> {shown['to']}: {shown['status']}")
    return _page(call.sid, f"<p>{head}</p><table>{lines}</table>")


def _row(call: dict[str, object]) -> str:
    sid = escape(str(call["sid"]))
    cells = (str(call["started"]), str(call["direction"]), str(call["from"]), str(call["to"]))
    link = f'<a href="{CALLS_PATH}/{sid}">{escape(cells[1])}</a>'
    rest = "".join(f"<td>{escape(cell)}</td>" for cell in (*cells[2:], str(call["status"])))
    return f"<tr><td>{escape(cells[0])}</td><td>{link}</td>{rest}</tr>"


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f'<p><a href="{CALLS_PATH}">every call</a></p>\n{body}\n</body>\n</html>\n'
    )
    return HTMLResponse(html, status_code=status, headers=dict(HEADERS))


def call_routes() -> list[Route]:
    """The routes; the app adds them with the simulated carrier only."""
    return [
        Route(f"{CALLS_PATH}.json", calls_json, methods=["GET"]),
        Route(CALLS_PATH, calls_page, methods=["GET"]),
        Route(f"{CALLS_PATH}/{{sid}}.json", call_json, methods=["GET"]),
        Route(f"{CALLS_PATH}/{{sid}}", call_page, methods=["GET"]),
    ]
