"""`holdless serve` subprocesses: start, SIGKILL, restart, pause, and their logs.

Every start of an instance writes its own log file (`<name>-<n>.log`), so a crash and
what followed it can be read apart. Instances run in the run directory (no stray `.env`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from chaos.config import API_SECRET_ENV, Credentials

REPO = Path(__file__).resolve().parent.parent
HTTP_TIMEOUT_S = 2.0
"""The instances' Twilio HTTP timeout: the stand-in's held answers outlast it."""


@dataclass(frozen=True, slots=True)
class Deployment:
    """What every instance of one run shares."""

    run_dir: Path
    database_url: str
    config_file: Path
    public_url: str
    standin_url: str
    credentials: Credentials

    def environment(self, name: str, port: int) -> dict[str, str]:
        """The HOLDLESS_* environment of instance `name` listening on `port`."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith("HOLDLESS_")}
        return keep | {
            "PYTHONPATH": str(REPO),
            "HOLDLESS_DATABASE_URL": self.database_url,
            "HOLDLESS_PUBLIC_BASE_URL": self.public_url,
            "HOLDLESS_PORT": str(port),
            "HOLDLESS_CONFIG_FILE": str(self.config_file),
            "HOLDLESS_LOG_LEVEL": "INFO",
            "HOLDLESS_CARRIER": "twilio",
            "HOLDLESS_TWILIO_ACCOUNT_SID": self.credentials.account_sid,
            "HOLDLESS_TWILIO_AUTH_TOKEN": self.credentials.auth_token,
            "HOLDLESS_TWILIO_API_URL": f"{self.standin_url}/i/{name}",
            "HOLDLESS_TWILIO_HTTP_TIMEOUT": str(HTTP_TIMEOUT_S),
            API_SECRET_ENV: self.credentials.api_secret,
        }


@dataclass
class Instance:
    """One named instance on a fixed port; restarted under the same name and port."""

    name: str
    port: int
    deployment: Deployment
    module: str = "webhooks.cli"
    extra_env: Mapping[str, str] = field(default_factory=dict)
    starts: int = 0
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Where the instance listens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The running process id, if any."""
        return None if self._process is None else self._process.pid

    def logs(self) -> list[Path]:
        """The log files of every start so far."""
        return [self.deployment.run_dir / f"{self.name}-{n}.log" for n in range(1, self.starts + 1)]

    def start(self) -> None:
        """Start `holdless serve` (it migrates the database first)."""
        self.starts += 1
        log = (self.deployment.run_dir / f"{self.name}-{self.starts}.log").open("wb")
        env = self.deployment.environment(self.name, self.port) | dict(self.extra_env)
        self._process = subprocess.Popen(  # noqa: S603  # our own interpreter and module
            [sys.executable, "-m", self.module, "serve"],
            cwd=self.deployment.run_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def wait_healthy(self, limit_s: float = 30.0) -> float:
        """Seconds until `/healthz` answers 200; TimeoutError after `limit_s`."""
        started = time.monotonic()
        while time.monotonic() - started < limit_s:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self._process.returncode}")
            if healthy(self.url):
                return time.monotonic() - started
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not healthy within {limit_s} s")

    def signal(self, number: signal.Signals) -> None:
        """Send `number` to the running process."""
        if self._process is not None:
            self._process.send_signal(number)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup; what was in flight stays in flight."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None

    def stop(self) -> None:
        """SIGTERM and wait (the end of a run)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGCONT)
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


def healthy(url: str) -> bool:
    """True when the instance's `/healthz` answers 200."""
    try:
        return httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def grep_logs(instances: list[Instance], needle: str) -> int:
    """Lines containing `needle` in every log of `instances`."""
    count = 0
    for instance in instances:
        for path in instance.logs():
            if path.exists():
                text = path.read_text(errors="replace")
                count += sum(needle in line for line in text.splitlines())
    return count
