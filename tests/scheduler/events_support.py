"""A store with the example config for the promise and event tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from callback.config import ConfigHolder
from callback.merge import Incoming
from callback.request import ContextEntry, Promise
from callback.service.ports import SmsAbout
from callback.store import QueueStore
from callback.store.calls import CallStore
from callback.store.events import EventStore
from callback.types import E164, Channel, QueueName, RequestId

EXAMPLE = Path(__file__).resolve().parents[2] / "holdless.example.toml"
# Monday 2 March 2026, 10:00 in London: the example's support queue is open.
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SUPPORT = QueueName("support")
CUSTOMER = E164("+442079460456")
SECRET_ENV = "HOLDLESS_TEST_EVENTS_SECRET"
EVENTS_ON = f"""
[events]
enabled = true
url = "https://hooks.example.com/holdless"
secret_env = "{SECRET_ENV}"
max_attempts = 3
"""


@dataclass
class MemorySms:
    """Keeps the texts it is asked to send."""

    sent: list[tuple[E164, str]] = field(default_factory=list)
    about: list[SmsAbout | None] = field(default_factory=list)

    def send(self, to: E164, body: str, about: SmsAbout | None = None) -> None:
        self.sent.append((to, body))
        self.about.append(about)


@dataclass
class Clock:
    """A hand-moved clock."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """Stores on one migrated SQLite file and the live config."""

    store: QueueStore
    calls: CallStore
    events: EventStore
    holder: ConfigHolder
    clock: Clock

    def promised(
        self, number: E164 = CUSTOMER, by: timedelta = timedelta(minutes=10), language: str = "en"
    ) -> RequestId:
        """A waiting request promised a call within `by` of now."""
        now = self.clock.now
        incoming = Incoming(
            ContextEntry(Channel.WEB, now, {}), virtual_start=now, language=language
        )
        request = self.store.enqueue(SUPPORT, number, incoming, now).request.id
        promise = Promise(now, by, by / 2, by, now + by)
        self.store.record_announcement(request, 0, promise, now)
        return request


def build_world(engine: Engine, tmp_path: Path, extra_config: str = "") -> World:
    """A world on `engine` whose config is the example plus `extra_config`."""
    config = tmp_path / "holdless.toml"
    shutil.copyfile(EXAMPLE, config)
    with config.open("a") as file:
        file.write(extra_config)
    clock = Clock()
    holder = ConfigHolder(config, T0)
    return World(QueueStore(engine), CallStore(engine), EventStore(engine), holder, clock)
