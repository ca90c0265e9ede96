"""One list of languages: a file added to the prompt catalogue reaches every channel.

The config's checks, the IVR, the web widget and the hosted page all read the catalogue; a
copy of the shipped one with a German file added shows German everywhere, and without the
file the same config is refused.
"""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from callback.config.catalogue import Catalogue, builtin_catalogue, load_catalogue
from callback.config.issues import ConfigError
from callback.config.loader import validate_document
from callback.config.model import SupervisorConfig
from ivr.call import QueueCall
from ivr.inbound import language_menu
from tests.callback.config.snippets import document
from tests.webhooks.widget.test_texts import served_languages
from webhooks.hosted import page, page_language
from webhooks.widget.routes import fill

GERMAN = {
    'name = "English"': 'name = "Deutsch"',
    'say_language = "en-GB"': 'say_language = "de-DE"',
    '"For English, press {digit}."': '"Für Deutsch drücken Sie {digit}."',
    'button = "Call me back"': 'button = "Rückruf"',
    '"Please turn on JavaScript to ask for a callback."': '"Bitte JavaScript einschalten."',
}
QUEUE = """
[queues.support]
languages = ["en", "de"]
"""
SITE = """
[[api.sites]]
id = "www"
key_sha256 = "{digest}"
origins = ["https://www.example.com"]
widget.texts.de.title = "Wir rufen Sie an"
""".replace("{digest}", "ab" * 32)


@pytest.fixture
def with_german(tmp_path: Path) -> Catalogue:
    """The shipped catalogue's files plus `de.toml` (English, with a few texts translated)."""
    folder = tmp_path / "prompts"
    with as_file(files("callback.config.prompts")) as shipped:
        shutil.copytree(shipped, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    german = (folder / "en.toml").read_text(encoding="utf-8")
    for english, translated in GERMAN.items():
        assert english in german, english
        german = german.replace(english, translated)
    (folder / "de.toml").write_text(german, encoding="utf-8")
    return load_catalogue(folder)


def _config(catalogue: Catalogue | None, snippet: str = QUEUE + SITE) -> SupervisorConfig:
    return validate_document(document(snippet), "holdless.toml", catalogue)


@pytest.mark.parametrize(
    ("snippet", "location"),
    [(QUEUE, "queues.support.languages[1]"), (SITE, "api.sites[0].widget.texts.de")],
)
def test_without_the_file_german_is_refused_where_it_is_named(snippet: str, location: str) -> None:
    assert "de" not in builtin_catalogue().languages
    with pytest.raises(ConfigError) as refused:
        _config(None, snippet)
    assert [issue.location for issue in refused.value.issues] == [location]


def test_the_config_takes_german_for_a_queue_and_for_a_site_widget(
    with_german: Catalogue,
) -> None:
    config = _config(with_german)
    assert config.queues["support"].languages == ("en", "de")
    assert config.api.sites[0].widget.texts["de"].title == "Wir rufen Sie an"
    assert "de" in config.catalogue.web_languages


def test_the_ivr_offers_german_in_a_german_voice(with_german: Catalogue) -> None:
    menu = language_menu(QueueCall.of(_config(with_german), "support"))
    assert '<Say language="de-DE">Für Deutsch drücken Sie 2.</Say>' in menu


def test_the_widget_script_speaks_german(with_german: Catalogue) -> None:
    source = files("webhooks.widget").joinpath("widget.js").read_bytes()
    texts, rtl = served_languages(fill(source, with_german).decode())
    assert list(texts) == ["en", "de", "fa", "is", "ru"]
    assert texts["de"]["button"] == "Rückruf"
    assert rtl == ["fa"]


def test_the_hosted_page_offers_german(with_german: Catalogue) -> None:
    config = _config(with_german)
    assert page_language(config, "support", "de") == "de"
    html = bytes(page(config, "de", "Example Energy", "").body).decode()
    assert '<html lang="de" dir="ltr">' in html
    assert "<noscript><p>Bitte JavaScript einschalten.</p></noscript>" in html
