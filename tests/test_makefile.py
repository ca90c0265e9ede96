"""The two commands of the README: what `make run` starts and what `make test` sets up."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def fake_venv(tmp_path: Path) -> dict[str, str]:
    """A `holdless` that prints the carrier settings it was started with, and a fresh stamp."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    holdless = bin_dir / "holdless"
    holdless.write_text(
        '#!/bin/sh\necho "$* carrier=$HOLDLESS_CARRIER '
        'traffic=$HOLDLESS_SIMULATED_TRAFFIC_PER_MINUTE"\n'
    )
    holdless.chmod(0o755)
    for name in ("pyproject.toml", "holdless.example.toml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    stamp = bin_dir / "stamp"
    stamp.touch()  # newer than pyproject.toml: nothing to install
    past = (tmp_path / "pyproject.toml").stat().st_mtime - 60
    os.utime(tmp_path / "pyproject.toml", (past, past))
    return {"BIN": str(bin_dir), "STAMP": str(stamp)}


def test_make_run_chooses_the_simulated_carrier(tmp_path: Path) -> None:
    venv = fake_venv(tmp_path)
    done = make("run", *(f"{k}={v}" for k, v in venv.items()), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "serve carrier=simulated traffic=1"
    # The first run writes the round-the-clock demo config from the example.
    demo = "config demo holdless.example.toml --out holdless.toml"
    assert [line for line in done.stdout.splitlines() if line.startswith("config demo")] == [
        f"{demo} carrier= traffic="
    ]


def test_make_run_keeps_the_supervisors_config(tmp_path: Path) -> None:
    venv = fake_venv(tmp_path)
    (tmp_path / "holdless.toml").write_text("# edited by the supervisor\n")
    done = make("run", *(f"{k}={v}" for k, v in venv.items()), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stdout.splitlines() if line.startswith("config demo")]
    assert (tmp_path / "holdless.toml").read_text() == "# edited by the supervisor\n"


def test_make_run_keeps_a_carrier_chosen_in_the_environment(tmp_path: Path) -> None:
    venv = fake_venv(tmp_path)
    done = make(
        "run",
        "TRAFFIC=0",
        *(f"{k}={v}" for k, v in venv.items()),
        cwd=tmp_path,
        HOLDLESS_CARRIER="twilio",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "serve carrier=twilio traffic=0"


def test_make_test_installs_the_system_packages_before_the_tests_under_coverage() -> None:
    done = make("-n", "test", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    system = lines.index("bash devtools/system-packages.sh")
    [pytest] = [n for n, line in enumerate(lines) if line.startswith(".venv/bin/pytest")]
    assert system < pytest
    assert "--cov" in lines[pytest].split()


def test_ci_runs_only_the_readme_commands() -> None:
    script = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in script if line.strip() and not line.startswith("#")]
    assert commands[-2:] == ["make test", "make chaos-small"]
    assert [line for line in commands if "apt-get" in line or "playwright" in line] == []
