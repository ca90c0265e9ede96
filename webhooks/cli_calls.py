"""`holdless calls list|transcript SID`: the simulated calls of a running service.

They read `/dev/calls.json` and `/dev/calls/{sid}.json` from the service (at
`--url`, by default where `holdless serve` listens with these settings), which exist only
with the simulated carrier. Numbers come masked from the service.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import httpx

from settings import Settings
from webhooks.cli_users import Commands
from webhooks.dev_calls import CALLS_PATH

Fetch = Callable[[str], tuple[int, Any]]
"""GET a path of the service: its status and JSON body."""
Loader = Callable[[], Settings]
LISTED = 30


def add_calls_commands(commands: Commands, load: Loader) -> None:
    """Hang the `calls` group off the command tree; `load` reads the settings."""
    calls = commands.add_parser("calls", help="simulated calls and what was said").add_subparsers(
        dest="calls_command", required=True, metavar="CALLS_COMMAND"
    )
    listing = calls.add_parser("list", help="the newest simulated calls")
    listing.add_argument("--url", help="the running service (default: where serve listens)")
    listing.add_argument("--limit", type=int, default=LISTED, help="how many (default 30)")
    listing.set_defaults(run=lambda args: list_calls(args, _fetcher(args, load)))
    one = calls.add_parser("transcript", help="one call's conversation: heard, pressed, said")
    one.add_argument("sid", help="the call's CallSid (from `holdless calls list`)")
    one.add_argument("--url", help="the running service (default: where serve listens)")
    one.set_defaults(run=lambda args: show_transcript(args, _fetcher(args, load)))


def _fetcher(args: argparse.Namespace, load: Loader) -> Fetch:
    base = args.url
    if base is None:
        settings = load()
        base = f"http://{settings.host}:{settings.port}"
    return http_fetch(base.rstrip("/"))


def http_fetch(base: str) -> Fetch:
    """GET from the service at `base`."""

    def fetch(path: str) -> tuple[int, Any]:
        response = httpx.get(f"{base}{path}", timeout=10.0)
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else None
        )
        return response.status_code, body

    return fetch


def _get(fetch: Fetch, path: str) -> Any:
    try:
        status, body = fetch(path)
    except httpx.HTTPError as exc:
        raise SystemExit(f"calls: the service does not answer ({exc}); is `make run` on?") from None
    if status == 404 and body is None:
        raise SystemExit("calls: no /dev/calls here: only the simulated carrier has them")
    return status, body


def list_calls(args: argparse.Namespace, fetch: Fetch) -> int:
    """Print the newest calls, one a line, newest first."""
    _, body = _get(fetch, f"{CALLS_PATH}.json")
    for call in body["calls"][: args.limit]:
        print(
            f"{call['started'][:19]}  {call['sid']}  {call['direction']:<13} "
            f"{call['from']} -> {call['to']}  {call['status']}"
        )
    return 0


def show_transcript(args: argparse.Namespace, fetch: Fetch) -> int:
    """Print one call's conversation; 1 when the carrier played no such call."""
    status, body = _get(fetch, f"{CALLS_PATH}/{args.sid}.json")
    if status != 200:
        print(f"calls: no simulated call {args.sid}", file=sys.stderr)
        return 1
    print(f"{body['sid']}  {body['direction']}  {body['from']} -> {body['to']}  {body['status']}")
    for step in body["transcript"]:
        print(f"  {step['at_s']:>7.1f}s  {step['what']:<12} {step['text']}".rstrip())
    return 0
