"""The two servers of the webhook benchmark: started, watched for CPU, and stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "holdless.example.toml"
HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Server:
    """A running server process."""

    name: str
    port: int
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(server: Server, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} server exited with {server.process.returncode}")
        try:
            socket.create_connection((HOST, server.port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{server.name} server did not start in {timeout_s:.0f} s")


def environment(database: Path) -> dict[str, str]:
    """Settings for `holdless serve`: this database, the example config, no simulated traffic."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLDLESS_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "HOLDLESS_DATABASE_URL": f"sqlite:///{database}",
        "HOLDLESS_CONFIG_FILE": str(CONFIG),
        "HOLDLESS_LOG_LEVEL": "WARNING",
        "HOLDLESS_CARRIER": "simulated",
        "HOLDLESS_SIMULATED_TRAFFIC_PER_MINUTE": "0",
        "HOLDLESS_HOST": HOST,
    }
    return env


@contextmanager
def serving(name: str, command: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    """Run `command --port N` on a free port until the block ends; output goes to `log`."""
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, cwd=log.parent, stdout=out, stderr=out
        )
    server = Server(name, port, process)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
