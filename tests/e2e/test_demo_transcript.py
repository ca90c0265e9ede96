"""A simulated call's conversation, read back with `holdless calls` and at `/dev/calls`:
what the caller heard, what they pressed, whom they reached, their number masked."""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import pytest

from callback.privacy import mask_number
from devtools.carrier import Person
from devtools.carrier.day import demo_agents
from devtools.carrier.demo import Wants, demo_keys, demo_number
from tests.e2e.demo_world import DemoWorld, demo_settings, demo_world
from webhooks.cli_calls import Fetch, list_calls, show_transcript

pytestmark = pytest.mark.anyio

NIGHT = datetime(2026, 12, 8, 2, 15, tzinfo=UTC)
LINE = "+442079460000"


def _fetch(world: DemoWorld) -> Fetch:
    """GET through the test's client, from the worker thread the command runs in."""

    def fetch(path: str) -> tuple[int, Any]:
        response = anyio.from_thread.run(world.http.get, path)
        json = response.headers["content-type"].startswith("application/json")
        return response.status_code, response.json() if json else None

    return fetch


async def _command(run: Any, args: argparse.Namespace, world: DemoWorld) -> int:
    code: int = await anyio.to_thread.run_sync(lambda: run(args, _fetch(world)))
    return code


async def test_a_callers_conversation_reads_back_with_the_number_masked(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = demo_settings(tmp_path, sqlite_url)
    async with demo_world(settings, NIGHT, seed=3) as world:
        demo_agents(world.carrier, ["client:alice", "sip:boris@pbx.example.com"])
        caller = demo_number("GB", 42)
        who = Person(keys=demo_keys(random.Random(1), Wants.HOLD), talk_seconds=30)
        call = await world.carrier.incoming_call(from_=caller, to=LINE, who=who)
        await call.until_end(limit_s=900)
        assert await _command(list_calls, argparse.Namespace(limit=10), world) == 0
        listed = capsys.readouterr().out
        assert call.sid in listed and mask_number(caller) in listed
        code = await _command(show_transcript, argparse.Namespace(sid=call.sid), world)
        assert code == 0
        told = capsys.readouterr().out
        page = await world.http.get(f"/dev/calls/{call.sid}")
        missing = await world.http.get("/dev/calls/CA" + "0" * 32)
        unknown = argparse.Namespace(sid="CA" + "0" * 32)
        assert await _command(show_transcript, unknown, world) == 1
    assert "Thank you for calling Example Energy" in told
    assert "Keys" in told and "Enqueue" in told
    assert "Connected    client:alice" in told or "Connected    sip:boris" in told
    assert caller not in told and caller[1:] not in told
    assert mask_number(caller) in told.splitlines()[0]
    assert page.status_code == 200 and "Thank you for calling Example Energy" in page.text
    assert caller not in page.text
    assert missing.status_code == 404
