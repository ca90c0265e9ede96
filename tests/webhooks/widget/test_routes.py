"""`GET /widget.js`: the script, its size budget and its caching."""

from __future__ import annotations

import gzip
from collections.abc import Callable

from starlette.testclient import TestClient

BUDGET_GZIPPED = 30 * 1024


def test_served_as_javascript_loadable_from_any_origin(
    make_client: Callable[..., TestClient],
) -> None:
    response = make_client().get("/widget.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "Call me back" in response.text and "Phone number" in response.text


def test_gzipped_script_is_under_budget(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    raw = client.get("/widget.js", headers={"Accept-Encoding": "identity"}).content
    # httpx undoes the gzip; compressing the same bytes measures what travels.
    zipped = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == raw
    assert len(gzip.compress(raw, compresslevel=9)) < BUDGET_GZIPPED


def test_current_copy_is_not_sent_again(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    etag = client.get("/widget.js").headers["etag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
