"""The baseline of the webhook benchmark: a bare Starlette route answering constant TwiML.

`python -m bench.webhook_bare --port N` serves it the way `holdless serve` serves the real
app: same logging set-up, same `uvicorn.run` arguments, one process.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webhooks.logs import configure_logging

VOICE_PATH = "/twilio/voice"
CONSTANT_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Response><Say language="en-GB">Thank you for calling.</Say><Hangup /></Response>'
)


async def voice(request: Request) -> Response:
    """The constant answer; the form is not even read, as in the barest handler."""
    return Response(CONSTANT_TWIML, media_type="application/xml")


def bare_app() -> Starlette:
    """A Starlette app with only the voice route."""
    return Starlette(routes=[Route(VOICE_PATH, voice, methods=["POST"])])


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the bare app on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_bare", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="WARNING")
    options = parser.parse_args(argv)
    configure_logging(options.log_level)
    # Mirrors webhooks.cli.cmd_serve, so both targets run the same server configuration.
    uvicorn.run(bare_app(), host="127.0.0.1", port=options.port, log_config=None)


if __name__ == "__main__":
    main()
