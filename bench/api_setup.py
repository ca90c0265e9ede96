"""What the API benchmark starts from: its config, its signing key, its servers, its checks."""

from __future__ import annotations

import re
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.dispatch_setup import serve
from bench.webhook_servers import Server
from callback.store import make_engine

QUEUE = "bench"
KEY_ID = "bench-app"
SECRET_ENV = "HOLDLESS_BENCH_API_SECRET"
RAISED = 1_000_000
"""The abuse limits' maximum, so that no limit refuses a benchmark request."""

_CONFIG = """\
[service]
company = "Bench Energy"
numbers = ["+44 20 7946 0000"]

[queues.{queue}]
display_name = "Bench"
languages = ["en"]
time_zone = "Europe/London"
region = "GB"

[queues.{queue}.hours]
daily = ["{hours}"]

[queues.{queue}.staffing]
daily = [{{ from = "00:00", to = "24:00", agents = 5 }}]

[queues.{queue}.callback]
cutoff_before_closing = "0s"

[abuse]
per_ip_per_hour = {raised}
per_prefix_per_hour = {raised}
per_country_per_hour = {raised}

[abuse.breaker]
min_requests = {raised}

[[api.keys]]
id = "{key_id}"
secret_env = "{secret_env}"
channel = "app"
"""


@dataclass(frozen=True, slots=True)
class AppKey:
    """The mobile app's key: its id and the HMAC secret (fresh for each run)."""

    id: str
    secret: str

    @classmethod
    def fresh(cls) -> AppKey:
        """A new random secret for the bench key."""
        return cls(KEY_ID, secrets.token_urlsafe(32))


ALWAYS = "00:00-24:00"
ZONE = ZoneInfo("Europe/London")


def hours_around(now: datetime) -> str:
    """Opening hours for the queue: two hours before `now` (local) to four after, within a day.

    A queue that closes in the evening, as most do, yet is open for the whole run.
    """
    minutes = now.hour * 60 + now.minute
    start, end = max(0, minutes - 120), min(24 * 60, minutes + 240)
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def write_config(path: Path, hours: str) -> Path:
    """One queue open during `hours` every day, no agents (nothing is dialled), limits raised.

    Every request comes from 127.0.0.1 and shares the +44 country and the first digits, so
    the per-IP, per-prefix and per-country limits and the surge breaker (which counts every
    channel) are raised to their maximum. The limits per number (1 active, 3 a day) stay as
    they are: every request has a new number.
    """
    path.write_text(
        _CONFIG.format(
            queue=QUEUE, hours=hours, raised=RAISED, key_id=KEY_ID, secret_env=SECRET_ENV
        )
    )
    return path


def holdless(
    name: str, url: str, config: Path, key: AppKey, log: Path, source: Path | None = None
) -> AbstractContextManager[Server]:
    """`holdless serve` on `url` with the bench config and the app key's secret (the code of
    the checkout `source` when given)."""
    settings = {"HOLDLESS_DATABASE_URL": url, "HOLDLESS_CONFIG_FILE": str(config)}
    if source is not None:
        settings |= {"PYTHONPATH": str(source.resolve())}
    return serve(name, settings | {SECRET_ENV: key.secret}, log)


def stored_requests(url: str) -> tuple[int, int]:
    """Callback requests in the database, and how many distinct numbers they hold."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows, numbers = connection.execute(_COUNT).one()
    finally:
        engine.dispose()
    return int(rows), int(numbers)


def logged_errors(log: Path) -> str:
    """How many ERROR records the server logged, and the first one with its exception."""
    lines = log.read_text(errors="replace").splitlines()
    errors = [n for n, line in enumerate(lines) if " ERROR " in line]
    if not errors:
        return "0 errors"
    first = errors[0]
    following = errors[1] if len(errors) > 1 else len(lines)
    raised = [line for line in lines[first + 1 : following] if _EXCEPTION.match(line)]
    cause = raised[-1] if raised else ""
    return f"{len(errors)} errors, first: {lines[first][:200]} ... {cause[:300]}"


_EXCEPTION = re.compile(r"[A-Za-z_][\w.]*(Error|Exception)\b.*: ")
_COUNT = text("SELECT count(*), count(DISTINCT number) FROM callback_request")
