import os
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from callback.store.migrate import current_revision, head_revision
from tests.webhooks.conftest import EXAMPLE
from webhooks.cli import main
from webhooks.devsite import DEV_SITE_KEY, SAMPLE_PATH

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
    out = capsys.readouterr().out
    # Each migration is named with its revision and what it adds, oldest first.
    assert out.splitlines()[0] == f"applied {int(head_revision())} migrations:"
    assert out.splitlines()[1].startswith("  0001 The callback queue")
    assert out.splitlines()[-1].startswith(f"  {head_revision()} ")
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out == "database schema already current: no migration to apply\n"


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
        "HOLDLESS_CARRIER": "simulated",
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
        # The newcomer's surfaces, at the addresses the banner prints.
        hosted = httpx.get(f"http://127.0.0.1:{port}/c/support?key={DEV_SITE_KEY}")
        assert hosted.status_code == 200 and 'data-mode="page"' in hosted.text
        demo = httpx.get(f"http://127.0.0.1:{port}{SAMPLE_PATH}")
        assert demo.status_code == 200 and f'data-key="{DEV_SITE_KEY}"' in demo.text
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/healthz" in output
    assert "carrier:      simulated" in output
    assert f"hosted page:  http://127.0.0.1:{port}/c/support?key={DEV_SITE_KEY}" in output
    assert f"widget demo:  http://127.0.0.1:{port}{SAMPLE_PATH}" in output


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
        env = {
            **os.environ,
            "HOLDLESS_DATABASE_URL": url,
            "HOLDLESS_CONFIG_FILE": str(EXAMPLE),
            "HOLDLESS_CARRIER": "simulated",
        }
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


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"holdless {version('holdless')}\n"


def test_serve_without_a_carrier_refuses_naming_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    database = tmp_path / "never.db"
    monkeypatch.setenv("HOLDLESS_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("HOLDLESS_CONFIG_FILE", str(EXAMPLE))
    assert main(["serve", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "HOLDLESS_TWILIO_ACCOUNT_SID and HOLDLESS_TWILIO_AUTH_TOKEN unset" in err
    assert "HOLDLESS_CARRIER=simulated" in err
    assert not database.exists()  # refused before migrating anything


def test_serve_with_twilio_chosen_refuses_naming_the_missing_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOLDLESS_CARRIER", "twilio")
    monkeypatch.setenv("HOLDLESS_TWILIO_ACCOUNT_SID", "AC" + "3f9a" * 8)
    with pytest.raises(SystemExit) as done:
        main(["serve", "--port", str(free_port())])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "HOLDLESS_CARRIER is 'twilio' but HOLDLESS_TWILIO_AUTH_TOKEN unset" in err
    assert "HOLDLESS_TWILIO_ACCOUNT_SID" not in err
