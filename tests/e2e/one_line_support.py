"""The e2e app with the API's clients (a widget site, the hosted page's own site, an app and a
server), on SQLite and PostgreSQL, and what each channel is told before and after asking."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from callback.estimate import Estimate
from callback.request import Promise
from devtools.carrier import CallHandle
from ivr.spoken import SMALL_TEAM, About, spoken_wait
from settings import Settings
from tests.e2e.conftest import PUBLIC, World
from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP, Signed, signature

WIDGET_KEY = "pk_one_line_widget"
PAGE_KEY = "pk_one_line_page"
SHOP = "https://shop.example.com"
APP, SERVER = "phone-app", "back-office"
SECRET = "one-line-secret-for-tests-only"
ESTIMATE = "/api/v1/queues/support/estimate"
CALLBACKS = "/api/v1/callbacks"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


API_TABLES = f"""
[api]
[[api.sites]]
id = "shop"
key_sha256 = "{_sha(WIDGET_KEY)}"
origins = ["{SHOP}"]

[[api.sites]]
id = "page"
key_sha256 = "{_sha(PAGE_KEY)}"
origins = ["{PUBLIC}"]

[[api.keys]]
id = "{APP}"
secret_env = "HOLDLESS_ONE_LINE_SECRET"
channel = "app"

[[api.keys]]
id = "{SERVER}"
secret_env = "HOLDLESS_ONE_LINE_SECRET"
channel = "api"
"""


def with_api(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The e2e config plus the API's clients (their secret in the environment)."""
    marker = "# How long personal data"
    text = config_file.read_text(encoding="utf-8")
    assert marker in text, "the example changed"
    config_file.write_text(text.replace(marker, API_TABLES + "\n" + marker), encoding="utf-8")
    monkeypatch.setenv("HOLDLESS_ONE_LINE_SECRET", SECRET)
    return config_file


def on_backend(request: pytest.FixtureRequest, config_file: Path) -> Settings:
    """The e2e settings on the backend `request.param` names."""
    fixture = "pg_url" if request.param == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    return Settings(
        _env_file=None,
        database_url=url,
        config_file=config_file,
        public_base_url=PUBLIC,
        carrier="simulated",
    )


def form(phone: str) -> dict[str, Any]:
    """A widget form a person filled in eight seconds."""
    return {"queue": "support", "phone": phone, "fill_ms": 8000}


async def ask_web(world: World, origin: str, key: str, phone: str) -> httpx.Response:
    """POST a request as a widget on `origin` with the site `key`."""
    headers = {SITE_KEY: key, "Origin": origin}
    return await world.client.post(CALLBACKS, json=form(phone), headers=headers)


async def ask_signed(world: World, key: str, phone: str) -> httpx.Response:
    """POST a request as the app or server `key`, signed at the simulated time."""
    body = json.dumps({"queue": "support", "phone": phone}).encode()
    stamp = str(int(world.now.timestamp()))
    digest = signature(SECRET, stamp, Signed("POST", CALLBACKS, "", body))
    headers = {KEY_ID: key, TIMESTAMP: stamp, SIGNATURE: digest}
    headers["Content-Type"] = "application/json"
    return await world.client.post(CALLBACKS, content=body, headers=headers)


def seconds(body: dict[str, Any]) -> tuple[int, int, int]:
    """(wait, low, high) seconds of an estimate or promise body."""
    return body["wait_seconds"], body["low_seconds"], body["high_seconds"]


def said_wait(world: World, promise: Promise) -> str:
    """The wait sentence the IVR says for `promise`'s figures."""
    # Five agents work at 10:00 on a Monday: not a small team, the width decides.
    estimate = Estimate(promise.wait, promise.low, promise.high, promise.by, True, SMALL_TEAM)
    spoken = spoken_wait(estimate)
    catalogue = world.svc.config.current.catalogue
    if isinstance(spoken, About):
        return catalogue.render("en", "estimate_about", minutes=spoken.minutes)
    return catalogue.render("en", "estimate_range", low=spoken.low, high=spoken.high)


POSITION = re.compile(r"You are (?:now )?number (\d+) in line\.")
WAIT = re.compile(
    r"Your (?:expected wait is about \d+ minutes|wait should be between \d+ and \d+ minutes)\."
)


def heard_position(text: str) -> int:
    """The position said in `text` (exactly one)."""
    [found] = POSITION.findall(text)
    return int(found)


def heard_wait(text: str) -> str:
    """The wait sentence said in `text` (exactly one)."""
    [found] = WAIT.findall(text)
    return str(found)


def said_since(call: CallHandle, mark: int) -> str:
    """What the caller heard after the first `mark` entries of their transcript."""
    return " ".join(h.text for h in call.transcript[mark:] if h.verb == "Say")
