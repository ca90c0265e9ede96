"""The test run ignores the developer's HOLDLESS_* variables (tests/conftest.py strips them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = "tests/test_environment.py::test_no_holdless_variable_reaches_a_test"


def test_no_holdless_variable_reaches_a_test() -> None:
    assert [name for name in os.environ if name.startswith("HOLDLESS_")] == []


def test_variables_exported_in_the_shell_are_stripped_before_any_test(tmp_path: Path) -> None:
    exported = {
        "HOLDLESS_CARRIER": "twilio",
        "HOLDLESS_DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.db'}",
        "HOLDLESS_VERIFY_TWILIO_SIGNATURES": "false",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov", PROBE],
        env={**os.environ, **exported},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
