"""What the dispatch-latency benchmark starts from: its config, its waiting line, its servers."""

from __future__ import annotations

import hashlib
import secrets
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.webhook_servers import Server, environment, serving
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store import QueueStore, make_engine, upgrade
from callback.types import E164, Channel, QueueName

QUEUE = QueueName("bench")
AGENT = "a1"
SERVICE_NUMBER = "+44 20 7946 0000"

_CONFIG = """\
[service]
company = "Bench Energy"
numbers = ["{service}"]

[queues.{queue}]
display_name = "Bench"
languages = ["en"]
time_zone = "Europe/London"
region = "GB"
wrap_up = "0s"

[queues.{queue}.hours]
daily = ["00:00-24:00"]

[queues.{queue}.staffing]
daily = [{{ from = "00:00", to = "24:00", agents = 1 }}]

[queues.{queue}.callback]
cutoff_before_closing = "0s"
dial_rate_per_minute = 600
backoff = ["1h"]

[[agents]]
id = "{agent}"
name = "Bench Agent"
endpoint = "client:{agent}"
queues = ["{queue}"]
api_key_sha256 = "{key_hash}"

[calling_window]
start = "00:00"
end = "23:59"
"""
_ATTEMPTS = text("SELECT count(*), count(ended_at) FROM dial_attempt")


@dataclass(frozen=True, slots=True)
class Secrets:
    """Fresh credentials for one run: the agent's API key and the (stand-in) Twilio account."""

    agent_key: str
    account_sid: str
    auth_token: str

    @classmethod
    def fresh(cls) -> Secrets:
        """New random values."""
        return cls(secrets.token_urlsafe(24), "AC" + secrets.token_hex(16), secrets.token_hex(16))


def write_config(path: Path, keys: Secrets) -> Path:
    """The bench config: one queue open around the clock, one agent, the widest calling window.

    The rate cap is at its maximum (600 a minute) and the cut-off before closing is zero, so
    that neither rule delays a dial; the benchmark paces itself well below the cap.
    """
    key_hash = hashlib.sha256(keys.agent_key.encode()).hexdigest()
    path.write_text(
        _CONFIG.format(service=SERVICE_NUMBER, queue=QUEUE, agent=AGENT, key_hash=key_hash)
    )
    return path


def customer(backend: int, n: int) -> E164:
    """The n-th waiting customer of a backend: a distinct London number."""
    return E164(f"+44207{2_000_000 + backend * 100_000 + n:07d}")


def fill_line(url: str, numbers: list[E164]) -> None:
    """Migrate the database and put one web request per number in line, due now."""
    upgrade(url)
    engine = make_engine(url)
    store = QueueStore(engine)
    try:
        for n, number in enumerate(numbers):
            now = datetime.now(UTC)
            told = Incoming(ContextEntry(Channel.WEB, now, {"n": n}), virtual_start=now)
            store.enqueue(QUEUE, number, told, now)
    finally:
        store.close()
        engine.dispose()


def attempts_stored(url: str) -> tuple[int, int]:
    """Dial attempt rows in the database, and how many of them have ended."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            stored, ended = connection.execute(_ATTEMPTS).one()
    finally:
        engine.dispose()
    return int(stored), int(ended)


@contextmanager
def serve(name: str, settings: dict[str, str], log: Path) -> Iterator[Server]:
    """`holdless serve` with these settings on top of the webhook benchmark's; log to `log`."""
    env = environment(log.parent / "unused.db") | settings
    try:
        with serving(name, [sys.executable, "-m", "webhooks.cli", "serve"], env, log) as server:
            yield server
    except RuntimeError as error:  # it did not start: say why
        raise RuntimeError(f"{error}; its log ends:\n{log.read_text()[-2000:]}") from None


def holdless(
    name: str, url: str, config: Path, keys: Secrets, twilio_url: str, log: Path
) -> AbstractContextManager[Server]:
    """`holdless serve` on `url`, speaking to the Twilio stand-in at `twilio_url`."""
    settings = {
        "HOLDLESS_DATABASE_URL": url,
        "HOLDLESS_CONFIG_FILE": str(config),
        "HOLDLESS_CARRIER": "twilio",
        "HOLDLESS_TWILIO_ACCOUNT_SID": keys.account_sid,
        "HOLDLESS_TWILIO_AUTH_TOKEN": keys.auth_token,
        "HOLDLESS_TWILIO_API_URL": twilio_url,
        "HOLDLESS_TWILIO_HTTP_TIMEOUT": "10",
    }
    return serve(name, settings, log)
