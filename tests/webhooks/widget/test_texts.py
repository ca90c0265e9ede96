"""The widget's own texts: every language has every text, with the same placeholders."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

LANGUAGES = ("en", "ru", "fa", "is")
_BLOCK = re.compile(r"const TEXTS = \{\n(.*?)\n  \};", re.DOTALL)
_LANGUAGE = re.compile(r"^    ([a-z]{2}): \{$", re.MULTILINE)
_ENTRY = re.compile(r'(\w+): "((?:[^"\\]|\\.)*)"')


def _texts() -> dict[str, dict[str, str]]:
    script = files("webhooks.widget").joinpath("widget.js").read_text(encoding="utf-8")
    block = _BLOCK.search(script)
    assert block is not None
    parts = _LANGUAGE.split(block[1])[1:]
    found: dict[str, dict[str, str]] = {}
    for code, body in zip(parts[::2], parts[1::2], strict=True):
        entries = _ENTRY.findall(body)
        assert len(entries) == body.count(': "'), code  # no entry slipped past the pattern
        found[code] = dict(entries)
    return found


def test_the_four_languages_are_there() -> None:
    assert tuple(_texts()) == LANGUAGES


@pytest.mark.parametrize("code", LANGUAGES[1:])
def test_each_language_has_every_english_text(code: str) -> None:
    texts = _texts()
    assert set(texts[code]) == set(texts["en"])


@pytest.mark.parametrize("code", LANGUAGES[1:])
def test_placeholders_match_the_english_ones(code: str) -> None:
    texts = _texts()
    for key, english in texts["en"].items():
        wanted = sorted(re.findall(r"\{\w+\}", english))
        assert sorted(re.findall(r"\{\w+\}", texts[code][key])) == wanted, key


def test_the_new_steps_are_worded_in_english() -> None:
    english = _texts()["en"]
    assert english["when"] == "When should we call you?"
    assert english["asap"] == "As soon as possible"
    assert english["code"] == "Verification code"
