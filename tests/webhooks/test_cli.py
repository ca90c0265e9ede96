import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from callback.store.migrate import current_revision, head_revision
from tests.webhooks.conftest import EXAMPLE
from webhooks.cli import main

HOLDLESS = [sys.executable, "-m", "webhooks.cli"]


def test_config_check_passes_the_example_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "support" in out
    assert "sales" in out


def test_config_check_lists_every_error_with_its_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    text = EXAMPLE.read_text()
    text = text.replace('time_zone = "Europe/London"', 'time_zone = "Mars/Olympus"')
    text = text.replace("max_attempts = 3 ", "max_attempts = 0 ")
    broken.write_text(text)
    assert main(["config", "check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}: queues.support.time_zone:" in err
    assert f"{broken}: callback_defaults.max_attempts:" in err


def test_db_upgrade_migrates_to_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("HOLDLESS_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert current_revision(url) == head_revision()
    assert "up to date" in capsys.readouterr().out


def test_placeholder_secrets_are_refused_without_echoing_them(tmp_path: Path) -> None:
    env = {**os.environ, "HOLDLESS_TWILIO_AUTH_TOKEN": "your_auth_token_here"}
    done = subprocess.run(
        [*HOLDLESS, "db", "upgrade"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "HOLDLESS_TWILIO_AUTH_TOKEN" in done.stderr
    assert "placeholder" in done.stderr
    assert "your_auth_token_here" not in done.stderr + done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_migrates_starts_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "HOLDLESS_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "HOLDLESS_CONFIG_FILE": str(EXAMPLE),
        "HOLDLESS_PORT": str(port),
    }
    server = subprocess.Popen(
        [*HOLDLESS, "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        assert health.json()["status"] == "ok"
        queues = httpx.get(f"http://127.0.0.1:{port}/api/v1/queues").json()
        assert set(queues["queues"]) == {"support", "sales"}
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/healthz" in output
    assert "carrier:      simulated" in output


def wait_until_up(url: str, server: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited early"
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer within 60 s")


def test_a_second_instance_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    from scheduler.dispatch_lock import InstanceLock, lock_path

    url = f"sqlite:///{tmp_path / 'one.db'}"
    path = lock_path(url)
    assert path is not None
    first = InstanceLock(path)
    first.acquire()
    try:
        env = {**os.environ, "HOLDLESS_DATABASE_URL": url, "HOLDLESS_CONFIG_FILE": str(EXAMPLE)}
        done = subprocess.run(
            [*HOLDLESS, "serve", "--port", str(free_port())],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        first.release()
    assert done.returncode == 1
    assert "another Holdless instance is already running" in done.stderr
    assert "PostgreSQL" in done.stderr
