"""How `holdless serve` runs uvicorn: where it listens and whose forwarding headers it believes.

uvicorn on its own believes `X-Forwarded-For` from loopback (and from `FORWARDED_ALLOW_IPS`),
so anything relayed by a local proxy or tunnel could choose its own client address. Here the
forwarding headers are read only when the operator named the proxies, and then only as those
proxies wrote them: the client is the right-most address that is not a trusted proxy.
"""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp

from settings import Settings


def server_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    """uvicorn's configuration for `app`: logging is ours, proxies are the settings' only."""
    trusted = list(settings.trusted_proxies)
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        # Given explicitly, so neither uvicorn's default nor its environment variable applies.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
    )
