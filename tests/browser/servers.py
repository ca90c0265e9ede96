"""Real uvicorn servers on free local ports, each in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT_S = 20.0


def bound_socket() -> socket.socket:
    """A listening-ready socket on 127.0.0.1 and a port the system chose."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def origin_of(sock: socket.socket) -> str:
    """The HTTP origin a browser uses to reach `sock`."""
    host, port = sock.getsockname()
    return f"http://{host}:{port}"


@dataclass
class Served:
    """One app served by uvicorn on a socket until `stop`."""

    app: ASGIApp
    sock: socket.socket
    server: uvicorn.Server = field(init=False)
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        config = uvicorn.Config(self.app, log_level="warning", ws="none", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def origin(self) -> str:
        """Where the browser finds this server."""
        return origin_of(self.sock)

    def start(self) -> Served:
        """Start serving; returns once the app's lifespan has run and it accepts requests."""
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server on {self.origin} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Finish open requests, run the lifespan's shutdown and close the socket."""
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()
