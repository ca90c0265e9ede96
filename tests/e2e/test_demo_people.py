"""The people of `make run`'s day find their way through the real menu on their own."""

from __future__ import annotations

import random

import pytest

from callback.carrier import CallStatus
from callback.types import State
from devtools.carrier import Agent, Person
from devtools.carrier.demo import Wants, demo_keys, options
from devtools.carrier.trickle import caller_number
from tests.e2e.conftest import SERVICE, World

pytestmark = pytest.mark.anyio


def _person(wants: Wants, seed: int = 1) -> Person:
    return Person(keys=demo_keys(random.Random(seed), wants), patience_s=600, talk_seconds=30)


def test_a_menu_is_read_as_its_choices() -> None:
    heard = "For billing, press 1. For a new contract, press 2. Rather not wait? Press 3 now."
    assert [(o.label, o.digit) for o in options(heard)] == [
        ("for billing", "1"),
        ("for a new contract", "2"),
        ("", "3"),
    ]


async def test_a_caller_who_wants_a_callback_books_one_and_answers_it(world: World) -> None:
    number = caller_number(SERVICE, 0)
    world.carrier.register("client:alice", Agent(talk_seconds=30))
    call = await world.carrier.incoming_call(from_=number, to=SERVICE, who=_person(Wants.CALLBACK))
    assert await call.until_end() is CallStatus.COMPLETED
    request = world.request(number)
    assert request.state is State.WAITING
    world.on_duty("alice")
    [_, support] = await world.dispatch()
    [sid] = support.placed
    back = await world.carrier.outbound_call(sid)
    await back.until_end()
    assert world.get(request.id).state is State.COMPLETED


async def test_a_caller_who_wants_to_wait_is_put_on_hold(world: World) -> None:
    number = caller_number(SERVICE, 1)
    await world.carrier.incoming_call(from_=number, to=SERVICE, who=_person(Wants.HOLD))
    await world.carrier.run_for(90)  # the offer's silence ends in the hold queue
    assert sum(world.carrier.queue_sizes().values()) == 1


async def test_a_caller_who_switches_takes_the_callback_offered_on_hold(world: World) -> None:
    number = caller_number(SERVICE, 2)
    call = await world.carrier.incoming_call(from_=number, to=SERVICE, who=_person(Wants.SWITCH))
    assert await call.until_end(limit_s=900) is CallStatus.COMPLETED
    assert "Rather not wait?" in call.heard_text(since_input=False)
    assert world.request(number).state is State.WAITING
