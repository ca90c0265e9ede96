"""Status callbacks of one outbound call sent again, duplicated and in every order, after
the fact: each is accepted and nothing changes (no state, attempt, due time or presence)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import permutations

import pytest

from callback.request import CallbackRequest
from callback.store.presence import AgentStatus
from callback.types import RequestId
from devtools.carrier import Agent, Person, WebhookExchange
from tests.e2e.conftest import CALLER, World
from tests.e2e.steps import CALLBACK, book_callback, press_at_gather

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Snapshot:
    """Everything a status callback could move."""

    request: CallbackRequest
    due_at: datetime
    outcomes: list[str | None]
    alice: AgentStatus
    dials: int


def _snapshot(world: World, request_id: RequestId) -> Snapshot:
    return Snapshot(
        request=world.get(request_id),
        due_at=world.due_at(request_id),
        outcomes=world.outcomes(request_id),
        alice=world.presence("alice"),
        dials=len(world.carrier.records.rest),
    )


async def _replay_every_way(world: World, hooks: list[WebhookExchange]) -> None:
    for hook in hooks:  # each once more, as Twilio retries
        assert (await world.carrier.replay(hook)).status == 204
    progress = [hook for hook in hooks if "AnsweredBy" not in hook.params]
    for order in permutations(progress):
        for hook in order:
            assert (await world.carrier.replay(hook)).status == 204
    await world.carrier.settle()


async def _called_back(world: World, customer: Person) -> tuple[RequestId, str]:
    world.carrier.register("client:alice", Agent(talk_seconds=30))
    await book_callback(world.carrier)
    world.carrier.register(CALLER, customer)
    world.on_duty("alice")
    [_, support] = await world.dispatch()
    [sid] = support.placed
    return world.request().id, sid


async def test_a_completed_callback_stays_completed(world: World) -> None:
    request_id, sid = await _called_back(world, Person())
    call = await world.carrier.outbound_call(sid)
    await press_at_gather(call, CALLBACK)
    await press_at_gather(call, "5")
    await call.until_end()
    await world.dispatch()
    hooks = world.carrier.records.webhooks_to("/twilio/status", sid)
    events = [hook.params["CallStatus"] for hook in hooks]
    assert events == ["initiated", "ringing", "in-progress", "in-progress", "completed"]
    before = _snapshot(world, request_id)
    await world.carrier.run_for(10)

    assert hooks[3].params["AnsweredBy"] == "human"  # the detection result
    await _replay_every_way(world, hooks)
    await world.dispatch()
    assert _snapshot(world, request_id) == before


async def test_a_busy_callback_is_retried_once(world: World) -> None:
    request_id, sid = await _called_back(world, Person(busy=True))
    await (await world.carrier.outbound_call(sid)).until_end()
    await world.dispatch()
    hooks = world.carrier.records.webhooks_to("/twilio/status", sid)
    assert [hook.params["CallStatus"] for hook in hooks] == ["initiated", "ringing", "busy"]
    before = _snapshot(world, request_id)
    assert before.request.attempts == 1
    await world.carrier.run_for(10)

    await _replay_every_way(world, hooks)
    await world.dispatch()
    assert _snapshot(world, request_id) == before
