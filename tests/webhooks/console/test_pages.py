"""Every console answer: cookie flags, a strict CSP, no inline script, four languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from settings import Settings, SettingsError, load_settings
from tests.webhooks.console.support import csrf_of, sign_in
from webhooks.app import create_app
from webhooks.console.catalogue import en, fa, is_, ru
from webhooks.console.routes import console_routes

CSP = re.compile(r"default-src 'none'; script-src 'self'; style-src 'self';")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+=|\sstyle=|javascript:", re.IGNORECASE)
SID = "AC" + "3f9a" * 8
TOKEN = "5c1e" * 8


def _cookie(client: TestClient) -> str:
    answer = client.get("/console/sign-in")
    return answer.headers["set-cookie"]


def test_the_session_cookie_is_httponly_lax_and_scoped(client: TestClient) -> None:
    cookie = _cookie(client).lower()
    assert "holdless_console=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/console" in cookie
    assert "max-age=43200" in cookie
    assert "secure" not in cookie


def test_the_session_cookie_is_secure_behind_https(
    settings: Settings, console_engine: Engine
) -> None:
    https = settings.model_copy(update={"public_base_url": "https://calls.example.com"})
    with TestClient(create_app(https, ticker=False), base_url="https://testserver") as client:
        assert "; secure" in _cookie(client).lower()


@pytest.mark.parametrize(
    "path", ["/console/sign-in", "/console/", "/console/nowhere", "/console/static/console.js"]
)
def test_every_console_answer_carries_the_csp(client: TestClient, path: str) -> None:
    sign_in(client, "alice")
    answer = client.get(path)
    assert CSP.match(answer.headers["content-security-policy"])
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("name", ["sam", "alice", "vera"])
def test_pages_have_no_inline_script_or_style(client: TestClient, name: str) -> None:
    pages = [client.get("/console/sign-in").text]
    sign_in(client, name)
    pages.append(client.get("/console/").text)
    for page in pages:
        assert INLINE.search(page) is None
        assert '<script src="/console/static/console.js" defer></script>' in page


def test_typed_input_is_escaped(client: TestClient) -> None:
    token = csrf_of(client.get("/console/sign-in").text)
    form = {"csrf": token, "name": '"><script>alert(1)</script>', "password": "x" * 12}
    page = client.post("/console/sign-in", data=form).text
    assert "<script>alert" not in page
    assert "&#34;&gt;&lt;script&gt;" in page


def test_every_catalogue_has_the_same_words() -> None:
    assert set(en.TEXTS) == set(ru.TEXTS) == set(fa.TEXTS) == set(is_.TEXTS)


def test_the_language_comes_from_the_query_then_the_cookie(client: TestClient) -> None:
    persian = client.get("/console/sign-in?lang=fa")
    assert '<html lang="fa" dir="rtl">' in persian.text
    assert "ورود" in persian.text
    again = client.get("/console/sign-in")
    assert '<html lang="fa" dir="rtl">' in again.text


@pytest.mark.parametrize(
    ("header", "lang", "word"),
    [
        ("ru-RU,ru;q=0.9", "ru", "Войти"),
        ("de, is;q=0.5", "is", "Skrá inn"),
        ("de", "en", "Sign in"),
    ],
)
def test_the_language_follows_accept_language(
    client: TestClient, header: str, lang: str, word: str
) -> None:
    page = client.get("/console/sign-in", headers={"Accept-Language": header}).text
    assert f'<html lang="{lang}" dir="ltr">' in page
    assert word in page


def test_without_a_secret_a_real_carrier_keeps_the_console_off(tmp_path: Path) -> None:
    real = Settings(
        _env_file=None, twilio_account_sid=SID, twilio_auth_token=TOKEN, config_file=tmp_path
    )
    assert real.carrier == "twilio"
    with TestClient(Starlette(routes=console_routes(real))) as client:
        answer = client.get("/console/sign-in")
    assert answer.status_code == 503
    assert "HOLDLESS_SESSION_SECRET" in answer.text


def test_a_short_or_placeholder_secret_is_refused() -> None:
    for bad in ("too-short-secret", "change-me-" + "x" * 40):
        with pytest.raises(SettingsError, match="HOLDLESS_SESSION_SECRET"):
            load_settings(_env_file=None, session_secret=bad)
