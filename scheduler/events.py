"""Delivery of lifecycle events to the outbound webhook: signed, retried, never in the way.

The job runs on its own interval with its own short transactions, so a slow or dead
receiver delays only its own events, never a dial. Each event is sent as JSON with an
HMAC-SHA256 of the raw body (`X-Holdless-Signature: sha256=<hex>`) and the sending time
(`X-Holdless-Timestamp`, also in the signed body so a receiver can refuse replays).
Delivery is at least once: a receiver de-duplicates by the event `id`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from callback.config.events import EventsConfig
from callback.config.reload import ConfigHolder
from callback.store.events import SETTLE, EventStore, OutboxEvent

log = logging.getLogger("holdless.events")

SIGNATURE_HEADER = "X-Holdless-Signature"
TIMESTAMP_HEADER = "X-Holdless-Timestamp"
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(hours=1)


def sign(secret: bytes, body: bytes) -> str:
    """The signature header's value for `body`."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """True when `header` is the signature of `body` (what a receiver checks)."""
    return hmac.compare_digest(sign(secret, body), header)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from 10 s, at most 1 h."""
    return min(FIRST_RETRY * (1 << min(attempts - 1, 20)), LONGEST_RETRY)


def payload(event: OutboxEvent, sent_at: datetime, *, include_number: bool) -> bytes:
    """The JSON body for `event`; the phone number only when the config asks for it."""
    data: dict[str, object] = {
        "id": event.id,
        "type": event.kind.value,
        "request_id": event.request_id,
        "queue": event.queue,
        "state": event.state.value,
        "at": event.at.isoformat(),
        "sent_at": sent_at.isoformat(),
    }
    if include_number:
        data["number"] = event.number
    return json.dumps(data, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Delivered:
    """What one delivery run did."""

    sent: int = 0
    retried: int = 0
    gave_up: int = 0


@dataclass(frozen=True, slots=True)
class EventDelivery:
    """The delivery job: POSTs due events and records each outcome in the outbox."""

    holder: ConfigHolder
    events: EventStore
    clock: Callable[[], datetime]
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    transport: httpx.BaseTransport | None = None

    def run(self) -> Delivered:
        """Send every due event once; a failure schedules a retry or gives up."""
        config = self.holder.current.events
        secret = self._secret(config)
        if not config.enabled or config.url is None or secret is None:
            return Delivered()
        due = self.events.due_events(self.clock())
        if not due:
            return Delivered()
        timeout = config.timeout.total_seconds()
        with httpx.Client(transport=self.transport, timeout=timeout) as client:
            outcomes = [self._deliver(client, config, secret, event) for event in due]
        done = Delivered(*(outcomes.count(kind) for kind in ("sent", "retried", "gave_up")))
        if done.retried or done.gave_up:
            log.warning("events: %d not delivered, %d given up", done.retried, done.gave_up)
        return done

    def _secret(self, config: EventsConfig) -> bytes | None:
        if config.secret_env is None:
            return None
        value = self.environ.get(config.secret_env)
        if not value:
            log.warning("events: $%s is not set; events wait in the outbox", config.secret_env)
            return None
        return value.encode()

    def _deliver(
        self, client: httpx.Client, config: EventsConfig, secret: bytes, event: OutboxEvent
    ) -> str:
        now = self.clock()
        body = payload(event, now, include_number=config.include_number)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(secret, body),
            TIMESTAMP_HEADER: str(int(now.timestamp())),
        }
        try:
            response = client.post(str(config.url), content=body, headers=headers)
            accepted = response.is_success
        except httpx.HTTPError as error:
            log.info("events: event %d not sent: %s", event.id, type(error).__name__)
            accepted = False
        if accepted:
            self.events.delivered(event.id, now)
            return "sent"
        attempts = event.attempts + 1
        if attempts >= config.max_attempts:
            self.events.gave_up(event.id, now)
            return "gave_up"
        self.events.retry_at(event.id, now + backoff(attempts))
        return "retried"


def state_change_job(
    holder: ConfigHolder, events: EventStore, clock: Callable[[], datetime]
) -> Callable[[], int]:
    """A job turning request state changes into outbox events (only while events are on)."""

    def run() -> int:
        enabled = holder.current.events.enabled
        return events.scan_changes(clock() - SETTLE, emit=enabled)

    return run
