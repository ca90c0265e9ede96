"""`holdless serve` itself, as an operator starts it: whom it believes and what it logs."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import httpx

from tests.webhooks.conftest import EXAMPLE
from tests.webhooks.test_cli import HOLDLESS, free_port, wait_until_up

SPOOFED = "198.51.100.66"


def serve_once(tmp_path: Path, token: str, **env: str) -> str:
    """Start `holdless serve`, send one spoofed request and one status-link read; its output."""
    port = free_port()
    environ = {
        **os.environ,
        "HOLDLESS_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "HOLDLESS_CONFIG_FILE": str(EXAMPLE),
        "HOLDLESS_PORT": str(port),
        "HOLDLESS_CARRIER": "simulated",
        "HOLDLESS_SIMULATED_TRAFFIC_PER_MINUTE": "0",
        **env,
    }
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*HOLDLESS, "serve"],
        env=environ,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"{base}/healthz", server)
        httpx.get(f"{base}/healthz", headers={"X-Forwarded-For": SPOOFED})
        httpx.get(f"{base}/api/v1/callbacks/{token}")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    return output


def test_serve_ignores_forwarding_headers_and_redacts_status_links(tmp_path: Path) -> None:
    token = secrets.token_urlsafe(32)
    output = serve_once(tmp_path, token)
    assert "127.0.0.1:" in output and '"GET /healthz HTTP/1.1" 200' in output
    assert SPOOFED not in output
    assert '"GET /api/v1/callbacks/[redacted] HTTP/1.1" 404' in output
    assert token not in output


def test_serve_believes_the_proxies_it_was_told_about(tmp_path: Path) -> None:
    output = serve_once(tmp_path, "x", HOLDLESS_TRUSTED_PROXIES="127.0.0.1")
    assert f'{SPOOFED}:0 - "GET /healthz HTTP/1.1" 200' in output
