"""`holdless calls` without a simulated service to read from: a clear message, no traceback."""

from __future__ import annotations

import argparse

import pytest

from tests.webhooks.test_cli import free_port
from webhooks.cli_calls import http_fetch, list_calls, show_transcript


def test_no_service_listening_is_said_plainly() -> None:
    fetch = http_fetch(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SystemExit, match="does not answer"):
        list_calls(argparse.Namespace(limit=5), fetch)


def test_a_service_without_the_simulated_carrier_is_said_plainly() -> None:
    def twilio_service(path: str) -> tuple[int, object]:
        return 404, None  # Starlette's plain 404: no /dev/calls route at all

    with pytest.raises(SystemExit, match="only the simulated carrier"):
        show_transcript(argparse.Namespace(sid="CA" + "1" * 32), twilio_service)
