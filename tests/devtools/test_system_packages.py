"""`make test`'s system step installs exactly the missing Debian packages, as root or via sudo."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "devtools" / "system-packages.sh"
EVERYTHING = ("usr/bin/chromium", "usr/lib/postgresql/17/bin/initdb", "usr/bin/systemd-analyze")


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """Stand-ins for apt-get, id and sudo that log what they are asked to do."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "log"
    stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}')
    stub(bin_dir, "id", 'echo "${FAKE_UID:-0}"')
    stub(bin_dir, "sudo", f'echo "sudo $1" >> {log}; [ -z "$SUDO_REFUSES" ] || exit 1; shift; "$@"')
    return tmp_path


def tree(machine: Path, present: tuple[str, ...]) -> Path:
    root = machine / "root"
    for relative in present:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        path.chmod(0o755)
    root.mkdir(exist_ok=True)
    return root


Run = tuple[subprocess.CompletedProcess[str], list[str]]


def run(machine: Path, root: Path, **env: str) -> Run:
    path = f"{machine / 'bin'}:{os.environ['PATH']}"
    done = subprocess.run(
        ["bash", str(SCRIPT)],
        env={**os.environ, "PATH": path, "SYSTEM_ROOT": str(root), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    log = machine / "log"
    return done, log.read_text().splitlines() if log.exists() else []


def test_nothing_is_installed_when_everything_is_there(machine: Path) -> None:
    done, log = run(machine, tree(machine, EVERYTHING))
    assert done.returncode == 0, done.stderr
    assert log == []
    assert done.stdout == ""


def test_as_root_only_the_missing_browser_is_installed(machine: Path) -> None:
    done, log = run(machine, tree(machine, EVERYTHING[1:]))
    assert done.returncode == 0, done.stderr
    assert log == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends chromium",
    ]


def test_a_user_installs_through_sudo_without_a_prompt(machine: Path) -> None:
    done, log = run(machine, tree(machine, ()), FAKE_UID="1000")
    assert done.returncode == 0, done.stderr
    assert log == [
        "sudo -n",  # the probe: may sudo run without a password?
        "sudo -n",
        "apt-get update -qq",
        "sudo -n",
        "apt-get install -y -qq --no-install-recommends chromium postgresql systemd",
    ]


def test_a_user_whose_sudo_wants_a_password_is_told_what_to_run(machine: Path) -> None:
    done, log = run(machine, tree(machine, EVERYTHING[:2]), FAKE_UID="1000", SUDO_REFUSES="1")
    assert done.returncode == 1
    assert log == ["sudo -n"]
    assert "sudo apt-get install --no-install-recommends systemd" in done.stderr
