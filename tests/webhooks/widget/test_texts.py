"""The widget's texts come from the prompt catalogue: every language has every English text
with the same placeholders, and the served script carries exactly the catalogue's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib.resources import files

import pytest
from starlette.testclient import TestClient

from callback.config.catalogue import REFERENCE, builtin_catalogue, missing_keys, text_issues
from webhooks.widget.routes import RTL_SLOT, TEXTS_SLOT, fill

_TEXTS = re.compile(r"const TEXTS = (\{.*?\});\n")
_RTL = re.compile(r"const RTL = (\[.*?\]);\n")
CATALOGUE = builtin_catalogue()


def served_languages(script: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The texts and right-to-left languages a served widget script carries."""
    texts, rtl = _TEXTS.search(script), _RTL.search(script)
    assert texts is not None and rtl is not None
    return json.loads(texts[1]), json.loads(rtl[1])


@pytest.mark.parametrize("code", CATALOGUE.web_languages)
def test_each_language_has_every_english_web_text_with_its_placeholders(code: str) -> None:
    reference = CATALOGUE.language(REFERENCE).web
    web = CATALOGUE.language(code).web
    assert missing_keys(reference, web) == []
    assert list(text_issues(reference, web, ("web", code))) == []


def test_every_shipped_language_has_web_texts() -> None:
    assert set(CATALOGUE.web_languages) == set(CATALOGUE.languages)
    assert CATALOGUE.web_languages[0] == REFERENCE


def test_the_served_script_carries_the_catalogue(make_client: Callable[..., TestClient]) -> None:
    script = make_client().get("/widget.js", headers={"Accept-Encoding": "identity"}).text
    texts, rtl = served_languages(script)
    assert list(texts) == list(CATALOGUE.web_languages)
    assert texts["fa"] == dict(CATALOGUE.language("fa").web)
    assert rtl == ["fa"]
    assert TEXTS_SLOT.decode() not in script and RTL_SLOT.decode() not in script


def test_a_script_without_its_slots_is_refused() -> None:
    source = files("webhooks.widget").joinpath("widget.js").read_bytes()
    with pytest.raises(ValueError, match="exactly once"):
        fill(source.replace(TEXTS_SLOT, b"{}"), CATALOGUE)


def test_the_new_steps_are_worded_in_english() -> None:
    english = CATALOGUE.language(REFERENCE).web
    assert english["when"] == "When should we call you?"
    assert english["asap"] == "As soon as possible"
    assert english["code"] == "Verification code"
