"""Client addresses come only from proxies the operator named, through a real uvicorn server.

Every request here leaves 127.0.0.1 over TCP, as a local attacker's (or a tunnel's) would,
and says what it likes in `X-Forwarded-For`; the app reads the address the server settled on.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from settings import Settings
from tests.webhooks.live import on_free_port, served
from webhooks.api.booking import client_ip

ATTACKER = "198.51.100.66"
"""What a client writes into its own X-Forwarded-For."""
CUSTOMER = "203.0.113.9"
"""The address the proxy next to the service saw and appended."""


async def whoami(request: Request) -> PlainTextResponse:
    """The client address as the API's limits read it."""
    return PlainTextResponse(client_ip(request))


ECHO = Starlette(routes=[Route("/whoami", whoami)])


def seen(trusted: tuple[str, ...], forwarded_for: str | None) -> str:
    """The client address the app reads for one request from 127.0.0.1."""
    settings = on_free_port(Settings(_env_file=None, trusted_proxies=trusted))
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    with served(ECHO, settings) as base:
        return httpx.get(f"{base}/whoami", headers=headers).text


@pytest.mark.parametrize(
    "trusted",
    [(), ("10.0.0.5",), ("10.0.0.0/8", "::1")],
    ids=["nobody", "another-proxy", "other-networks"],
)
def test_forwarding_headers_from_an_untrusted_peer_are_ignored(trusted: tuple[str, ...]) -> None:
    assert seen(trusted, CUSTOMER) == "127.0.0.1"
    assert seen(trusted, f"{ATTACKER}, {CUSTOMER}") == "127.0.0.1"


def test_uvicorns_own_environment_variable_does_not_widen_the_trust(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    assert seen((), ATTACKER) == "127.0.0.1"


@pytest.mark.parametrize("trusted", [("127.0.0.1",), ("127.0.0.0/8",)], ids=["named", "cidr"])
def test_a_trusted_proxy_names_the_client(trusted: tuple[str, ...]) -> None:
    assert seen(trusted, CUSTOMER) == CUSTOMER
    # The client wrote the left part itself; only what the proxy appended counts.
    assert seen(trusted, f"{ATTACKER}, {CUSTOMER}") == CUSTOMER
    assert seen(trusted, None) == "127.0.0.1"


def test_behind_several_proxies_the_right_most_untrusted_hop_is_the_client() -> None:
    # Load balancer 10.2.3.4 in front of the local nginx: both named, the client is next.
    trusted = ("127.0.0.1", "10.0.0.0/8")
    assert seen(trusted, f"{ATTACKER}, {CUSTOMER}, 10.2.3.4") == CUSTOMER
    # A hop that is not named stops the walk, even if an address beyond it is trusted.
    assert seen(("127.0.0.1",), f"{CUSTOMER}, 10.2.3.4") == "10.2.3.4"
