"""`[api]`: the sites allowed to embed the widget and the keys of apps and servers."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from callback.config.fields import Duration, EnvName, FrozenModel, at_least, at_most, matching
from callback.config.issues import ConfigIssue
from callback.config.sections import KeyHash
from callback.config.widget import WidgetStyle

ClientId = Annotated[
    str,
    AfterValidator(
        matching(re.compile(r"[A-Za-z0-9_.-]{1,64}"), "an id is 1-64 letters, digits, '_.-'")
    ),
]
Origin = Annotated[
    str,
    AfterValidator(
        matching(
            re.compile(r"https?://[a-z0-9.-]+(?::\d{1,5})?"),
            "an origin is scheme and host like 'https://www.example.com', without a path",
        )
    ),
]


class SiteConfig(FrozenModel):
    """One `[[api.sites]]`: a web site's public widget key and the origins it may be used from.

    The key is not a secret (it sits in the page); the origin check and the limits protect.
    """

    id: ClientId
    key_sha256: KeyHash
    origins: Annotated[tuple[Origin, ...], Field(min_length=1)]
    queues: tuple[str, ...] | None = None
    """Queues the site may use; omitted: all."""
    widget: WidgetStyle = Field(default_factory=WidgetStyle)


class ApiKeyConfig(FrozenModel):
    """One `[[api.keys]]`: an app or server that signs its requests with HMAC-SHA256.

    Verifying an HMAC needs the secret itself (a hash of it would sign just as well), so the
    file names the environment variable that holds it, like the captcha secret.
    """

    id: ClientId
    secret_env: EnvName
    channel: Literal["app", "api"] = "app"
    queues: tuple[str, ...] | None = None


class ApiConfig(FrozenModel):
    """`[api]`."""

    sites: tuple[SiteConfig, ...] = ()
    keys: tuple[ApiKeyConfig, ...] = ()
    # A signature is remembered for twice the window and counted events are kept two days,
    # so a longer window would let a replay through once its first sighting was forgotten.
    replay_window: Annotated[
        Duration, at_least(timedelta(seconds=30)), at_most(timedelta(days=1))
    ] = timedelta(minutes=5)


def api_issues(api: ApiConfig, queues: Collection[str]) -> Iterator[ConfigIssue]:
    """Duplicate ids and queues that do not exist, at the key that must change."""
    sites = [(site.id, site.queues) for site in api.sites]
    keys = [(key.id, key.queues) for key in api.keys]
    yield from _client_issues("api.sites", sites, queues)
    yield from _client_issues("api.keys", keys, queues)


def _client_issues(
    table: str, clients: list[tuple[str, tuple[str, ...] | None]], queues: Collection[str]
) -> Iterator[ConfigIssue]:
    seen: set[str] = set()
    for index, (client_id, allowed) in enumerate(clients):
        if client_id in seen:
            yield ConfigIssue(f"{table}[{index}].id", f"id {client_id!r} is used twice")
        seen.add(client_id)
        for name in allowed or ():
            if name not in queues:
                yield ConfigIssue(f"{table}[{index}].queues", f"no queue {name!r} in [queues]")
