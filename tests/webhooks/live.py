"""An app served as `holdless serve` serves it: uvicorn, configured by `server_config`, on TCP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from settings import Settings
from tests.webhooks.test_cli import free_port
from webhooks.server import server_config

START_TIMEOUT_S = 20.0


def on_free_port(settings: Settings) -> Settings:
    """`settings` listening on a free port of 127.0.0.1, its public URL where it listens."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    return settings.model_copy(update={"host": "127.0.0.1", "port": port, "public_base_url": base})


@contextmanager
def served(app: ASGIApp, settings: Settings) -> Iterator[str]:
    """Serve `app` in a thread with `holdless serve`'s uvicorn configuration; yields its URL."""
    server = uvicorn.Server(server_config(app, settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        yield f"http://{settings.host}:{settings.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
