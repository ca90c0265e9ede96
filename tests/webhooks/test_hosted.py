"""`GET /c/{queue}`: the hosted page's markup, language, policy and link check."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

KEY = "pk_hosted_page"


def _site(config_file: Path, origin: str, widget: str = "") -> None:
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    site = f'[[api.sites]]\nid = "hosted"\nkey_sha256 = "{digest}"\norigins = ["{origin}"]\n\n'
    site += f"[api.sites.widget]\n{widget}\n\n" if widget else ""
    marker = "# How long personal data"
    config_file.write_text(config_file.read_text().replace(marker, site + marker))


@pytest.fixture
def client(config_file: Path, make_client: Callable[..., TestClient]) -> TestClient:
    """An app whose hosted site lists the default public base URL."""
    _site(config_file, "http://127.0.0.1:8000")
    return make_client()


def test_page_loads_the_widget_under_a_strict_policy(client: TestClient) -> None:
    response = client.get(f"/c/support?key={KEY}")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert '<html lang="en" dir="ltr">' in response.text
    assert (
        f'<script src="/widget.js" data-queue="support" data-key="{KEY}" data-lang="en" '
        'data-mode="page" async></script>' in response.text
    )
    assert "<script>" not in response.text


@pytest.mark.parametrize(
    ("lang", "direction"), [("fa", "rtl"), ("ru", "ltr"), ("is", "ltr"), ("xx", "ltr")]
)
def test_language_and_direction(client: TestClient, lang: str, direction: str) -> None:
    response = client.get(f"/c/support?key={KEY}&lang={lang}")
    shown = lang if lang != "xx" else "en"  # unknown: the queue's first language
    assert f'<html lang="{shown}" dir="{direction}">' in response.text


@pytest.mark.parametrize("query", ["", "?key=pk_unknown", '?key="><script>'])
def test_link_without_a_usable_key_is_refused(client: TestClient, query: str) -> None:
    response = client.get(f"/c/support{query}")
    assert response.status_code == 404
    assert "This link is not valid" in response.text
    assert "widget.js" not in response.text and "<script>" not in response.text


def test_unknown_queue_is_refused(client: TestClient) -> None:
    assert client.get(f"/c/nope?key={KEY}").status_code == 404


def test_key_of_a_site_not_listing_the_service_origin_is_refused(
    config_file: Path, make_client: Callable[..., TestClient]
) -> None:
    _site(config_file, "https://www.example.com")
    assert make_client().get(f"/c/support?key={KEY}").status_code == 404


def test_site_branding_goes_into_the_script_tag(
    config_file: Path, make_client: Callable[..., TestClient]
) -> None:
    widget = (
        'color = "#0A7D33"\nposition = "bottom-left"\n'
        'texts.fa = { title = "با ما صحبت کنید", button = "تماس بگیرید" }\n'
        'texts.en = { title = "Talk to \\"us\\" <now>" }'
    )
    _site(config_file, "http://127.0.0.1:8000", widget)
    client = make_client()
    persian = client.get(f"/c/support?key={KEY}&lang=fa").text
    assert (
        'data-mode="page" data-color="#0a7d33" data-title="با ما صحبت کنید" '
        'data-button="تماس بگیرید" async>' in persian
    )
    english = client.get(f"/c/support?key={KEY}").text
    assert (
        'data-mode="page" data-color="#0a7d33" '
        'data-title="Talk to &quot;us&quot; &lt;now&gt;" async>' in english
    )
    assert "data-position" not in english  # a page of its own has no corner to sit in
