"""The scripted API end to end: a caller hears the menu, presses keys, the call ends."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from devtools.carrier import Carrier, Person, ScenarioError
from tests.carrier_support import CALLER, SERVICE_NUMBER
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio

MENU = twiml(
    '<Gather action="/menu" numDigits="1" timeout="5">'
    "<Say>You are number 3 in line.</Say><Say>Press 1 to be called back.</Say>"
    "</Gather>",
    "<Say>We did not get your choice.</Say>",
)


def menu_app(app: FakeApp) -> None:
    app.routes["/voice"] = MENU
    app.routes["/menu"] = lambda p: twiml(f"<Say>You pressed {p['Digits']}.</Say><Hangup/>")


async def test_a_caller_hears_the_menu_presses_and_the_call_completes(
    app: FakeApp, carrier: Carrier
) -> None:
    menu_app(app)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_gather()
    assert "number 3 in line" in call.heard_text()
    await call.press("1")
    assert await call.until_end() is CallStatus.COMPLETED
    assert call.heard_text() == "You pressed 1."
    assert [h.verb for h in call.transcript] == ["Say", "Say", "Keys", "Say", "Hangup"]
    assert app.params("/menu")[0]["Digits"] == "1"


async def test_silence_falls_through_to_the_next_verb(app: FakeApp, carrier: Carrier) -> None:
    menu_app(app)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_gather()
    await call.stay_silent()
    await call.until_end()
    assert call.heard_text() == "We did not get your choice."
    assert app.params("/menu") == []


async def test_until_gather_fails_when_the_call_ends_first(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml("<Say>Goodbye.</Say>")
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    with pytest.raises(ScenarioError, match="reached no Gather"):
        await call.until_gather()


async def test_pressing_without_a_gather_is_a_scenario_error(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml('<Pause length="10"/>')
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    with pytest.raises(ScenarioError, match="no Gather"):
        await call.press("1")
    with pytest.raises(ValueError, match="keypad"):
        await call.press("x")


async def test_a_scripted_person_presses_by_themselves(app: FakeApp, carrier: Carrier) -> None:
    menu_app(app)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER, who=Person(keys=("1",)))
    await call.until_end()
    assert call.heard("Keys")[0].text == "1"


async def test_hanging_up_ends_the_call(app: FakeApp, carrier: Carrier) -> None:
    menu_app(app)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_gather()
    await call.hang_up()
    assert await call.until_end() is CallStatus.COMPLETED
    assert app.params("/menu") == []
    assert app.params("/status")[-1]["CallStatus"] == "completed"
