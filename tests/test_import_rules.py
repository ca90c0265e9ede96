"""Import rules import-linter cannot express: pure IVR builders never reach Twilio's REST layer."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_TWILIO = ("twilio.twiml", "twilio.request_validator")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "ivr").rglob("*.py")), ids=str)
def test_ivr_uses_only_the_pure_parts_of_twilio(path: Path) -> None:
    twilio = [m for m in imported_modules(path) if m.split(".")[0] == "twilio"]
    assert all(m.startswith(PURE_TWILIO) for m in twilio), twilio


def test_the_rule_sees_an_import_of_twilio_rest(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from twilio.rest import Client\nimport twilio.twiml.voice_response\n")
    assert imported_modules(sample) == ["twilio.rest", "twilio.twiml.voice_response"]
