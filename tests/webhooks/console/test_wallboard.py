"""The wallboard: its page, its event stream (read over TCP with httpx), and the shared build."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store import QueueStore
from callback.store.engine import read_transaction, write_transaction
from callback.store.today import today
from callback.types import State
from settings import Settings
from tests.callback.store.report_history import history
from tests.callback.store.support import SUPPORT, incoming, number
from tests.webhooks.console.support import PASSWORD, Clock, csrf_of, sign_in
from tests.webhooks.live import on_free_port, served
from webhooks.app import create_app
from webhooks.console.board import SETTLED, TICK, Board, Fields, Tally
from webhooks.services import Services

STREAM = "/console/wallboard/stream"


def test_the_page_shows_the_line_and_todays_figures(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    QueueStore(console_engine).enqueue(SUPPORT, number(1), incoming(0), clock.now)
    sign_in(client, "vera")
    page = client.get("/console/").text
    assert '<dd data-field="support.line">1</dd>' in page
    assert '<dd data-field="support.offered">1</dd>' in page
    assert '<dd data-field="support.service_level">–</dd>' in page
    assert "Service level (60 s)" in page
    assert 'data-field="agent.alice.status" data-label>offline</td>' in page
    assert '<script src="/console/static/wallboard.js" defer></script>' in page


def test_the_board_counts_callers_on_hold_and_the_waits_told(
    client: TestClient, console_engine: Engine
) -> None:
    # The report's hand-built morning (before the clock's 10:00): one caller served from hold
    # in 40 s, one who hung up on hold, and two waits told (one inside its range).
    with write_transaction(console_engine) as connection:
        history(connection)
    sign_in(client, "vera")
    page = client.get("/console/").text
    assert '<dd data-field="support.served_held">1</dd>' in page
    assert '<dd data-field="support.abandoned">2</dd>' in page
    assert '<dd data-field="support.offered">6</dd>' in page
    assert '<dd data-field="support.estimate">±0:35 · 50%</dd>' in page
    assert "Served from hold" in page


@pytest.mark.parametrize(("name", "status"), [("alice", 403), (None, 303)])
def test_the_stream_is_for_supervisors_and_viewers(
    client: TestClient, name: str | None, status: int
) -> None:
    if name is not None:
        sign_in(client, name)
    assert client.get(STREAM, follow_redirects=False).status_code == status


def _signed_in(http: httpx.Client, name: str) -> None:
    token = csrf_of(http.get("/console/sign-in").text)
    form = {"csrf": token, "name": name, "password": PASSWORD}
    assert http.post("/console/sign-in", data=form).status_code == 303


def _snapshots(lines: Iterator[str]) -> Iterator[Fields]:
    event = ""
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "snapshot":
            found: Fields = json.loads(line.removeprefix("data: "))
            yield found


@pytest.fixture
def live(settings: Settings, clock: Clock, console_engine: Engine) -> Iterator[str]:
    """The app served over TCP by uvicorn, as `holdless serve` serves it."""
    on_port = on_free_port(settings)
    with served(create_app(on_port, clock=clock, ticker=False), on_port) as url:
        yield url


def test_the_stream_delivers_an_update_after_a_booking(
    live: str, console_engine: Engine, clock: Clock
) -> None:
    timeout = httpx.Timeout(10.0)
    with httpx.Client(base_url=live, timeout=timeout, follow_redirects=False) as http:
        _signed_in(http, "sam")
        with http.stream("GET", STREAM) as answer:
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/event-stream")
            snapshots = _snapshots(answer.iter_lines())
            first = next(snapshots)
            assert (first["support.line"], first["support.offered"]) == ("0", "0")
            QueueStore(console_engine).enqueue(SUPPORT, number(1), incoming(0), clock.now)
            after = next(snapshots)
    assert (after["support.line"], after["support.offered"]) == ("1", "1")


@dataclass
class Ticks:
    """A monotonic clock the test moves."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def test_fifty_boards_share_one_build_per_interval() -> None:
    built: list[datetime] = []

    def build(svc: Services, now: datetime, tally: Tally) -> Fields:
        built.append(now)
        return {"n": str(len(built))}

    ticks = Ticks()
    board = Board(interval=timedelta(seconds=1), build=build, monotonic=ticks)
    svc = _FakeServices()

    async def fifty() -> set[str]:
        found = await asyncio.gather(*(board.latest(svc) for _ in range(50)))  # type: ignore[arg-type]
        return {fields["n"] for fields in found}

    async def rounds() -> list[set[str]]:
        seen = [await fifty()]
        ticks.now = 0.5
        seen.append(await fifty())
        ticks.now = 1.0
        seen.append(await fifty())
        return seen

    assert asyncio.run(rounds()) == [{"1"}, {"1"}, {"2"}]
    assert board.builds == len(built) == 2


class _FakeServices:
    """Only the clock, which is all the board itself reads."""

    def clock(self) -> datetime:
        return Clock().now


def test_the_kept_tally_adds_up_to_a_fresh_count(console_engine: Engine, clock: Clock) -> None:
    store, tally = QueueStore(console_engine), Tally()
    start, target = clock.now.replace(hour=0), timedelta(seconds=60)
    seen = []
    for n in range(6):
        now = clock.now + timedelta(minutes=3 * n)
        request = store.enqueue(SUPPORT, number(n), incoming(0), now).request
        if n % 2:
            store.transition(request.id, State.CANCELLED, now)
        with read_transaction(console_engine) as connection:
            kept = tally.figures(connection, SUPPORT, start, now, target)
            fresh = today(connection, SUPPORT, start, now + TICK, target)
        seen.append((kept.offered, kept.abandoned))
        assert kept == fresh
    assert seen == [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3)]
    [(upto, _)] = tally.kept.values()
    assert upto == clock.now + timedelta(minutes=15) - SETTLED
