"""The shipped systemd unit and environment file: valid for systemd, secrets kept out."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from settings import Settings

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "holdless.service"
ENV_EXAMPLE = ROOT / "deploy" / "holdless.env.example"
INSTALLED = "/opt/holdless/venv/bin/holdless"
# Added by the trusted-proxy change, which lands beside this one.
ELSEWHERE = {"HOLDLESS_TRUSTED_PROXIES"}


def verify(unit_text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` on the unit, its ExecStart pointed at this venv's command."""
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze is missing: `make system` installs systemd"
    here = str(Path(sys.executable).with_name("holdless"))
    unit = folder / "holdless.service"
    unit.write_text(unit_text.replace(INSTALLED, here))
    return subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, check=False, timeout=60
    )


def test_systemd_accepts_the_unit_without_a_warning(tmp_path: Path) -> None:
    done = verify(UNIT.read_text(), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "holdless.service" not in done.stdout + done.stderr


def test_the_check_catches_a_misspelt_directive(tmp_path: Path) -> None:
    done = verify(UNIT.read_text().replace("RestartSec=", "RestartSecs="), tmp_path)
    assert "Unknown key 'RestartSecs'" in done.stderr


def test_the_unit_serves_from_the_environment_file_and_holds_no_setting() -> None:
    lines = [line.strip() for line in UNIT.read_text().splitlines()]
    assert f"ExecStart={INSTALLED} serve" in lines
    assert "EnvironmentFile=/etc/holdless/holdless.env" in lines
    assert not [line for line in lines if line.startswith("Environment=")]
    assert "HOLDLESS_" not in "\n".join(line for line in lines if not line.startswith("#"))


def environment_names() -> list[str]:
    lines = ENV_EXAMPLE.read_text().splitlines()
    return [line.split("=")[0] for line in lines if line.startswith("HOLDLESS_")]


def test_every_variable_of_the_example_is_a_setting() -> None:
    fields = {f"HOLDLESS_{name.upper()}" for name in Settings.model_fields}
    assert set(environment_names()) - fields <= ELSEWHERE


def test_the_example_filled_in_chooses_twilio_with_its_public_url(tmp_path: Path) -> None:
    text = ENV_EXAMPLE.read_text()
    text = text.replace(
        "HOLDLESS_TWILIO_ACCOUNT_SID=\n", f"HOLDLESS_TWILIO_ACCOUNT_SID=AC{'3f9a' * 8}\n"
    )
    text = text.replace(
        "HOLDLESS_TWILIO_AUTH_TOKEN=\n", f"HOLDLESS_TWILIO_AUTH_TOKEN={'b7c1' * 8}\n"
    )
    filled = tmp_path / "holdless.env"
    filled.write_text(text)
    settings = Settings(_env_file=filled)
    assert settings.carrier == "twilio"
    assert str(settings.public_base_url) == "https://calls.example.com/"
    assert settings.database_url == "sqlite:////var/lib/holdless/holdless.db"
    assert settings.carrier_refusal() is None
