"""`<Dial>` with Number, Sip and Client: ringing, the whisper on the agent's leg, the bridge."""

from __future__ import annotations

import pytest

from callback.carrier import CallStatus
from devtools.carrier import Agent, Carrier, Person
from tests.carrier_support import CALLER, SERVICE_NUMBER
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio

AGENT_NUMBER = "+442079460500"


def dial_app(app: FakeApp, noun: str) -> None:
    app.routes["/voice"] = twiml(
        f'<Dial action="/dialled" timeout="20" callerId="{SERVICE_NUMBER}">{noun}</Dial>',
        "<Say>Not reached.</Say>",
    )
    app.routes["/whisper"] = twiml(
        '<Gather action="/accept" numDigits="1">'
        "<Say>Callback for support. Press 1 to accept.</Say></Gather>",
        "<Hangup/>",
    )
    app.routes["/accept"] = twiml("<Say>Connecting.</Say>")
    app.routes["/dialled"] = lambda p: twiml(f"<Say>Dial {p['DialCallStatus']}.</Say>")


async def test_number_with_whisper_bridges_after_the_agent_accepts(
    app: FakeApp, carrier: Carrier
) -> None:
    dial_app(app, f'<Number url="/whisper">{AGENT_NUMBER}</Number>')
    carrier.register(AGENT_NUMBER, Agent(keys=("1",), talk_seconds=120, ring_seconds=6))
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    [agent] = call.children()
    [whisper] = app.params("/whisper")
    assert whisper["CallSid"] == agent.sid
    assert whisper["ParentCallSid"] == call.sid
    assert whisper["Direction"] == "outbound-dial"
    assert (whisper["To"], whisper["From"]) == (AGENT_NUMBER, SERVICE_NUMBER)
    assert "Press 1 to accept." in agent.heard_text(since_input=False)
    assert agent.heard("Keys")[0].text == "1"
    [dialled] = app.params("/dialled")
    assert dialled["DialCallStatus"] == "completed"
    assert dialled["DialCallSid"] == agent.sid
    assert dialled["DialCallDuration"] == "120"
    assert call.heard_text() == "Dial completed."
    assert [h.verb for h in call.transcript][:2] == ["Dial", "Connected"]
    assert agent.status is CallStatus.COMPLETED


async def test_a_whisper_that_hangs_up_declines_the_call(app: FakeApp, carrier: Carrier) -> None:
    dial_app(app, f'<Number url="/whisper">{AGENT_NUMBER}</Number>')
    carrier.register(AGENT_NUMBER, Agent(keys=(None,)))
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    assert app.params("/dialled")[0]["DialCallStatus"] == "no-answer"
    assert "DialCallDuration" not in app.params("/dialled")[0]
    assert app.params("/accept") == []


@pytest.mark.parametrize(
    ("agent", "status"),
    [
        (Agent(busy=True), "busy"),
        (Agent(answer_probability=0.0), "no-answer"),
        (Agent(ring_seconds=25), "no-answer"),
        (Agent(reachable=False), "failed"),
    ],
    ids=["busy", "never-answers", "rings-past-timeout", "unreachable"],
)
async def test_an_agent_who_does_not_answer(
    app: FakeApp, carrier: Carrier, agent: Agent, status: str
) -> None:
    dial_app(app, f"<Number>{AGENT_NUMBER}</Number>")
    carrier.register(AGENT_NUMBER, agent)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    [dialled] = app.params("/dialled")
    assert dialled["DialCallStatus"] == status
    assert call.heard_text() == f"Dial {status}."
    [leg] = call.children()
    assert leg.status == status


@pytest.mark.parametrize(
    ("noun", "address"),
    [
        ("<Sip>sip:alice@pbx.example.org</Sip>", "sip:alice@pbx.example.org"),
        ("<Client>bob</Client>", "client:bob"),
        ("<Client><Identity>carol</Identity></Client>", "client:carol"),
    ],
)
async def test_sip_and_client_endpoints_reach_an_agent(
    app: FakeApp, carrier: Carrier, noun: str, address: str
) -> None:
    dial_app(app, noun)
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    [leg] = call.children()
    assert leg.transcript[0].verb == "Connected"
    assert call.heard("Dial")[0].text == address
    assert app.params("/dialled")[0]["DialCallStatus"] == "completed"


async def test_a_bare_number_is_dialled_and_without_action_the_document_goes_on(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml(f"<Dial>{AGENT_NUMBER}</Dial><Say>After the call.</Say>")
    carrier.register(AGENT_NUMBER, Person(talk_seconds=30))
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    assert call.heard_text() == "After the call."


async def test_an_agent_dialling_a_customer_hangs_up_and_the_action_is_ignored(
    app: FakeApp, carrier: Carrier
) -> None:
    dial_app(app, f"<Number>{CALLER}</Number>")
    carrier.register(CALLER, Person(talk_seconds=500))
    call = await carrier.incoming_call(
        from_=AGENT_NUMBER, to=SERVICE_NUMBER, who=Agent(talk_seconds=45)
    )
    await call.until_end()
    assert app.params("/dialled")[0]["DialCallDuration"] == "45"
    assert "Dial completed." not in call.heard_text(since_input=False)


async def test_the_caller_hanging_up_mid_conversation_ends_the_dial(
    app: FakeApp, carrier: Carrier
) -> None:
    dial_app(app, f"<Number>{AGENT_NUMBER}</Number>")
    carrier.register(AGENT_NUMBER, Agent(talk_seconds=300))
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await carrier.run_for(60)
    await call.hang_up()
    await call.until_end()
    [dialled] = app.params("/dialled")
    assert dialled["DialCallStatus"] == "completed"
    assert 50 <= int(dialled["DialCallDuration"]) <= 60
    assert call.heard_text() == ""


async def test_the_agent_hanging_up_lets_the_caller_carry_on(
    app: FakeApp, carrier: Carrier
) -> None:
    dial_app(app, f"<Number>{AGENT_NUMBER}</Number>")
    carrier.register(AGENT_NUMBER, Agent(talk_seconds=300))
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await carrier.run_for(40)
    [agent] = call.children()
    await agent.hang_up()
    await call.until_end()
    assert 30 <= int(app.params("/dialled")[0]["DialCallDuration"]) <= 40
    assert call.heard_text() == "Dial completed."
