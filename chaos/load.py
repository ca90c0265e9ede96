"""Callback requests through the public API: signed `POST /api/v1/callbacks`, many at once.

A request that gets no answer (its instance was killed) is sent again with a fresh
signature; the number's pending request absorbs the repeat (a merge, 200), so a retry never
makes a second request. Every answer's status is counted.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from chaos.config import API_KEY_ID, QUEUE, Credentials
from webhooks.api.auth import KEY_ID, SIGNATURE, TIMESTAMP, Signed, signature

PATH = "/api/v1/callbacks"
_PREFIXES = ("+44113496", "+44121496", "+44161496", "+44131496", "+44117496")
"""Ofcom's drama ranges (0113/0121/0161/0131/0117 496 0xxx): valid, never a real person."""
_PER_PREFIX = 1000
_TRIES = 5


def numbers(count: int) -> list[str]:
    """`count` distinct valid GB numbers, never a real subscriber."""
    if count > len(_PREFIXES) * _PER_PREFIX:
        raise ValueError(f"at most {len(_PREFIXES) * _PER_PREFIX} numbers")
    return [f"{_PREFIXES[i // _PER_PREFIX]}{i % _PER_PREFIX:04d}" for i in range(count)]


def signed_headers(secret: str, body: bytes, now: float) -> dict[str, str]:
    """The headers of a request signed with the chaos API key."""
    stamp = str(int(now))
    mac = signature(secret, stamp, Signed("POST", PATH, "", body))
    return {
        KEY_ID: API_KEY_ID,
        TIMESTAMP: stamp,
        SIGNATURE: mac,
        "content-type": "application/json",
    }


@dataclass
class Load:
    """Counts of what the API answered."""

    statuses: Counter[int] = field(default_factory=Counter)
    accepted: set[str] = field(default_factory=set)
    unanswered: int = 0

    @property
    def server_errors(self) -> int:
        """Answers 500 and above (the balancer's 502/503 included)."""
        return sum(count for status, count in self.statuses.items() if status >= 500)


async def _one(
    client: httpx.AsyncClient, base: str, credentials: Credentials, number: str, load: Load
) -> None:
    for attempt in range(_TRIES):
        body = json.dumps(
            {"queue": QUEUE, "phone": number, "context": {"try": str(attempt)}}
        ).encode()
        headers = signed_headers(credentials.api_secret, body, time.time())
        try:
            answer = await client.post(base + PATH, content=body, headers=headers)
        except httpx.HTTPError:
            load.unanswered += 1
            await asyncio.sleep(0.5)
            continue
        load.statuses[answer.status_code] += 1
        if answer.status_code in (200, 201):
            load.accepted.add(number)
            return
        if answer.status_code < 500:
            return
        await asyncio.sleep(0.5)


async def request_callbacks(
    base: str, credentials: Credentials, wanted: list[str], concurrency: int, load: Load
) -> None:
    """Ask for a callback to each number in `wanted`, `concurrency` requests at a time."""
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=20.0) as client:

        async def bounded(number: str) -> None:
            async with gate:
                await _one(client, base, credentials, number, load)

        await asyncio.gather(*(bounded(number) for number in wanted))
