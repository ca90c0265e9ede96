"""Every channel says the same thing about the same person at the same moment.

With two callers on hold and a callback in line, whoever asks next is told a place and a
range, on the phone, in the widget, on the hosted page, in an app or by a server; booking
right after (nothing happening in between) promises that place and that range, and the
status link and the SMS repeat them. Callers on hold hear their place in our line (callers
on hold and callbacks, by priority), not Twilio's first-come QueuePosition.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from callback.service import steer
from callback.types import E164, RequestId
from settings import Settings
from tests.conftest import BACKENDS
from tests.e2e.conftest import PUBLIC, World
from tests.e2e.held_support import to_hold
from tests.e2e.one_line_support import (
    APP,
    ESTIMATE,
    PAGE_KEY,
    SERVER,
    SHOP,
    WIDGET_KEY,
    ask_signed,
    ask_web,
    heard_position,
    heard_wait,
    on_backend,
    said_since,
    said_wait,
    seconds,
    with_api,
)
from tests.e2e.steps import CALLBACK, YES, press_at_gather, to_the_offer

pytestmark = pytest.mark.anyio

HELD = ("+442079460341", "+442079460342")
EARLIER = "+442079460351"
ASKING = "+442079460361"
KEYED = "02079460362"
KEYED_E164 = E164("+442079460362")
ANOTHER_NUMBER = "2"
OFFER = "Rather not wait?"
PRIORITY_REASON = "Some callers with an urgent need have been placed ahead of you."


@pytest.fixture
def config_file(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The e2e config with a widget site, the hosted page's site, an app and a server."""
    return with_api(config_file, monkeypatch)


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, config_file: Path) -> Settings:
    """The e2e instance on SQLite, then on PostgreSQL."""
    return on_backend(request, config_file)


async def _a_line(world: World) -> None:
    """Two callers on hold, then a callback from a server: three ahead of whoever asks now."""
    for number in HELD:
        await to_hold(world.carrier, number)
    assert (await ask_signed(world, SERVER, EARLIER)).status_code == 201


async def _book(world: World, channel: str) -> httpx.Response:
    match channel:
        case "widget":
            return await ask_web(world, SHOP, WIDGET_KEY, ASKING)
        case "page":
            page = await world.client.get(f"/c/support?key={PAGE_KEY}")
            assert page.status_code == 200 and f'data-key="{PAGE_KEY}"' in page.text
            return await ask_web(world, PUBLIC, PAGE_KEY, ASKING)
        case "app":
            return await ask_signed(world, APP, ASKING)
        case _:
            return await ask_signed(world, SERVER, ASKING)


@pytest.mark.parametrize("channel", ["widget", "page", "app", "api"])
async def test_the_web_promise_is_what_was_quoted_before_asking(world: World, channel: str) -> None:
    await _a_line(world)
    public = (await world.client.get("/api/v1/queues")).json()["queues"]["support"]
    quoted = (await world.client.get(ESTIMATE, headers={"Origin": SHOP})).json()
    before = quoted["estimate"]
    done = await _book(world, channel)
    assert done.status_code == 201, done.text
    booked = done.json()
    # Two callers on hold and one callback ahead: the fourth, as the queue view says, and
    # the place the web showed before asking.
    assert public["line"] == 3 and booked["position"] == 4
    assert quoted["position"] == booked["position"]
    assert seconds(booked["promise"]) == seconds(before) == seconds(public["estimate"])
    assert booked["promise"]["by"] == before["by"]
    assert seconds(booked["estimate"]) == seconds(before)
    status = (await world.client.get(booked["status_url"])).json()
    assert status["position"] == 4 and status["state"] == "waiting"
    assert seconds(status["estimate"]) == seconds(before) and status["next_try"] is None


@pytest.mark.parametrize("keyed", [False, True], ids=["caller-id", "keyed"])
async def test_the_phone_promise_is_the_place_and_wait_announced(world: World, keyed: bool) -> None:
    await _a_line(world)
    call = await to_the_offer(world.carrier, ASKING)
    offer = call.heard_text()
    place, wait = heard_position(offer), heard_wait(offer)
    assert place == 4
    await call.press(CALLBACK)
    if keyed:
        await press_at_gather(call, ANOTHER_NUMBER)
        await press_at_gather(call, f"{KEYED}#")
    await press_at_gather(call, YES)
    await call.until_end()
    number = KEYED_E164 if keyed else E164(ASKING)
    request = world.request(number)
    assert request.promise is not None
    assert said_wait(world, request.promise) == wait
    position = world.svc.store.position(request.id, world.now)
    assert position is not None and position.number == place
    [text] = [text for to, text in world.notifier.sent if to == number]
    assert f"You are number {place} in line" in text


async def test_a_caller_on_hold_hears_our_place_with_its_reason(world: World) -> None:
    await to_hold(world.carrier, HELD[0])
    second = await to_hold(world.carrier, HELD[1])
    assert heard_position(second.heard_text()) == 2
    booked = (await ask_signed(world, SERVER, EARLIER)).json()
    assert booked["position"] == 3  # joined after both callers on hold
    steer.move_up(world.svc.store, RequestId(booked["id"]), world.now)  # a supervisor: urgent

    mark = len(second.transcript)
    await second.until(lambda: OFFER in said_since(second, mark))
    round_ = said_since(second, mark)
    # Twilio still counts the second caller second in its own queue; our line does not.
    [last] = [
        hook
        for hook in world.carrier.records.webhooks
        if hook.call_sid == second.sid and hook.path.endswith("hold-wait")
    ][-1:]
    assert last.params["QueuePosition"] == "2"
    assert heard_position(round_) == 3
    assert PRIORITY_REASON in round_
