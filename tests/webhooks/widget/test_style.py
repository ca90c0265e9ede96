"""`GET /api/v1/widget`: a site's branding, for its own pages only."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

KEY = "pk_branded_site"
PLAIN_KEY = "pk_plain_site"
ORIGIN = "https://www.example.com"
SITES = """
[[api.sites]]
id = "branded"
key_sha256 = "{branded}"
origins = ["{origin}"]

[api.sites.widget]
color = "#0A7D33"
position = "bottom-left"
proactive_after = "1m30s"
texts.en = {{ button = "Ring me", title = "Talk to us" }}
texts.is.button = "Hringið"

[[api.sites]]
id = "plain"
key_sha256 = "{plain}"
origins = ["{origin}"]

"""


@pytest.fixture
def client(config_file: Path, make_client: Callable[..., TestClient]) -> TestClient:
    """An app with a branded site and a site that keeps the built-in look."""
    sites = SITES.format(
        branded=hashlib.sha256(KEY.encode()).hexdigest(),
        plain=hashlib.sha256(PLAIN_KEY.encode()).hexdigest(),
        origin=ORIGIN,
    )
    marker = "# How long personal data"
    config_file.write_text(config_file.read_text().replace(marker, sites + marker))
    return make_client()


def test_the_site_gets_its_own_branding(client: TestClient) -> None:
    response = client.get("/api/v1/widget", headers={"X-Holdless-Site-Key": KEY, "Origin": ORIGIN})
    assert response.status_code == 200
    assert response.json() == {
        "color": "#0a7d33",
        "position": "bottom-left",
        "proactive_seconds": 90,
        "texts": {
            "en": {"button": "Ring me", "title": "Talk to us"},
            "is": {"button": "Hringið", "title": None},
        },
    }
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["cache-control"] == "private, max-age=60"
    assert response.headers["vary"] == "Origin, x-holdless-site-key"


def test_a_site_without_a_widget_table_gets_the_defaults(client: TestClient) -> None:
    headers = {"X-Holdless-Site-Key": PLAIN_KEY, "Origin": ORIGIN}
    assert client.get("/api/v1/widget", headers=headers).json() == {
        "color": None,
        "position": "bottom-right",
        "proactive_seconds": None,
        "texts": {},
    }


@pytest.mark.parametrize(
    ("headers", "status", "code", "field"),
    [
        (
            {"X-Holdless-Site-Key": "pk_unknown", "Origin": ORIGIN},
            401,
            "unauthorized",
            "X-Holdless-Site-Key",
        ),
        ({"Origin": ORIGIN}, 401, "unauthorized", "X-Holdless-Site-Key"),
        ({"X-Holdless-Site-Key": KEY}, 403, "origin_not_allowed", "Origin"),
        (
            {"X-Holdless-Site-Key": KEY, "Origin": "https://evil.example"},
            403,
            "origin_not_allowed",
            "Origin",
        ),
    ],
)
def test_only_a_known_key_from_its_own_origin_is_answered(
    client: TestClient, headers: dict[str, str], status: int, code: str, field: str
) -> None:
    response = client.get("/api/v1/widget", headers=headers)
    assert response.status_code == status
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (code, field)
    assert "color" not in response.text
    # The widget on a listed page can read why; any other page cannot read the answer at all.
    listed = headers.get("Origin") == ORIGIN
    assert response.headers.get("access-control-allow-origin") == (ORIGIN if listed else None)


def test_a_cross_origin_page_may_send_the_key_header(client: TestClient) -> None:
    preflight = client.options(
        "/api/v1/widget",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-holdless-site-key",
        },
    )
    assert preflight.status_code == 204
    assert "x-holdless-site-key" in preflight.headers["access-control-allow-headers"].lower()
