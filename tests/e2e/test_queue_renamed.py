"""A live config edit renames the queue a caller holds in: they are told, and hold on in the
renamed queue (the one that now answers the number they called), never left in silence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callback.store.held_line import HeldState
from callback.types import QueueName
from tests.e2e.conftest import SUPPORT, World
from tests.e2e.steps import to_the_offer

pytestmark = pytest.mark.anyio

HELP = QueueName("help")


async def test_a_caller_on_hold_in_a_renamed_queue_is_moved(
    world: World, config_file: Path
) -> None:
    call = await to_the_offer(world.carrier)
    await call.stay_silent()  # no key at the offer: on hold
    await call.until_gather()
    assert world.svc.calls.on_hold(SUPPORT) == 1
    before = world.svc.held.held.by_sid(call.sid)
    assert before is not None and before.queue == SUPPORT
    text = re.sub(r"queues\.support\b", "queues.help", config_file.read_text())
    config_file.write_text(text.replace('"support"', '"help"'))
    world.svc.config.poll(world.now)
    assert HELP in world.svc.config.current.queues

    await call.stay_silent()  # the round ends; the next one runs on the edited config
    await call.until_gather()  # in the queue it was moved to
    assert [h.text for h in call.heard("Enqueue")] == ["support", "help"]
    heard = call.heard_text()
    assert heard.startswith("The line you were waiting in has changed.")
    assert "Thank you for waiting. You are now number 1 in line." in heard
    assert (world.svc.calls.on_hold(SUPPORT), world.svc.calls.on_hold(HELP)) == (0, 1)
    after = world.svc.held.held.by_sid(call.sid)
    assert after is not None  # the same place in the new queue's line, offered again there
    assert (after.id, after.virtual_start, after.queue) == (before.id, before.virtual_start, HELP)
    assert after.state is HeldState.HOLDING and after.queue_sid != before.queue_sid
    assert world.carrier.app_errors == []
