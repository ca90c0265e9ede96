from datetime import timedelta

import pytest

from callback.carrier import is_machine
from callback.config.model import SupervisorConfig
from ivr.call import QueueCall
from ivr.outbound import (
    agent_bridge_ended,
    agent_first,
    answer_menu,
    answered,
    bridge,
    customer_bridge_ended,
    customer_greeting,
    machine_message,
    party,
)
from ivr.twiml import EndpointKind, Party
from ivr.whisper import Briefing
from tests.ivr.golden import HANGUP, gather, redirect, response, say, url

Q17 = "queue=support&amp;lang=en&amp;request=17"
MENU = response(
    gather(
        url("answer", Q17),
        say("Hello, this is Example Energy returning your call."),
        say("To be connected now, press 1. To choose another time, press 2."),
    ),
    redirect(url("answer", "queue=support&amp;lang=en&amp;attempt=1&amp;request=17")),
)


@pytest.mark.parametrize("answered_by", [None, "human", "unknown"])
def test_a_person_hears_who_is_calling_and_chooses(
    support: QueueCall, answered_by: str | None
) -> None:
    assert answered(support, request=17, answered_by=answered_by) == MENU
    assert answer_menu(support, request=17) == MENU


@pytest.mark.parametrize(
    "answered_by",
    ["machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"],
)
def test_a_machine_gets_a_short_message_and_the_call_ends(
    support: QueueCall, answered_by: str
) -> None:
    assert is_machine(answered_by)
    assert answered(support, request=17, answered_by=answered_by) == response(
        say(
            "Hello, this is Example Energy returning your call. We will try again later, "
            "so there is no need to call us back."
        ),
        HANGUP,
    )


def test_the_machine_message_carries_no_personal_data(
    config: SupervisorConfig, support: QueueCall
) -> None:
    document = machine_message(support)
    assert "request" not in document
    assert "7700" not in document
    for code in support.settings.languages:
        assert "{" not in machine_message(support.in_language(code))
    assert config.catalogue.text("en", "machine_message").count("{") == 1  # {company} only


@pytest.mark.parametrize(
    ("endpoint", "noun"),
    [
        ("client:alice", '<Client method="POST" url="{w}">alice</Client>'),
        (
            "sip:boris@pbx.example.com",
            '<Sip method="POST" url="{w}">sip:boris@pbx.example.com</Sip>',
        ),
        ("+442079460123", '<Number method="POST" url="{w}">+442079460123</Number>'),
    ],
)
def test_the_agent_is_dialled_at_their_endpoint_with_a_whisper(
    support: QueueCall, endpoint: str, noun: str
) -> None:
    whisper = url("whisper", Q17)
    assert bridge(support, request=17, agent=endpoint) == response(
        say("Connecting you now. Please hold."),
        f'<Dial action="{url("bridged", Q17)}" method="POST" timeout="20">'
        + noun.format(w=whisper)
        + "</Dial>",
    )


def test_a_caller_id_can_be_shown_to_the_agent(support: QueueCall) -> None:
    document = bridge(support, request=17, agent="client:alice", caller_id="+442079460000")
    assert 'callerId="+442079460000"' in document


def test_party_kinds() -> None:
    assert party("client:alice") == Party(EndpointKind.CLIENT, "alice")
    assert party("sip:x@y.example", "u") == Party(EndpointKind.SIP, "sip:x@y.example", "u")
    assert party("+3544101234").kind is EndpointKind.NUMBER


def test_agent_first_briefs_the_agent_then_rings_the_customer(sales: QueueCall) -> None:
    agent = sales.in_language("en")
    briefing = Briefing(
        waited=timedelta(minutes=25),
        attempt=2,
        attempts=2,
        reason="a new contract",
    )
    q = "queue=sales&amp;lang=en&amp;request=5"
    assert agent_first(
        agent, request=5, briefing=briefing, customer="+3546101234", caller_id="+3544101234"
    ) == response(
        say("Callback from the Sales queue. The customer has waited 25 minutes."),
        say("Reason: a new contract."),
        say("Attempt 2 of 2."),
        f'<Dial action="{url("bridged", q)}" callerId="+3544101234" method="POST" '
        'timeout="30">'
        f'<Number method="POST" url="{url("customer", q)}">+3546101234</Number></Dial>',
    )


def test_agent_first_customer_greeting_in_persian(sales: QueueCall) -> None:
    assert customer_greeting(sales.in_language("fa")) == response(
        say(
            "سلام، از Example Energy در پاسخ به درخواست شما تماس می‌گیریم. "
            "لطفاً چند لحظه پشت خط بمانید تا به یک کارشناس وصل شوید.",
            "fa-IR",
        )
    )


@pytest.mark.parametrize("status", ["completed", "answered"])
def test_after_a_bridged_call_the_survey_or_goodbye(support: QueueCall, status: str) -> None:
    assert customer_bridge_ended(support, request=17, dial_status=status, survey=True) == response(
        gather(url("survey", Q17), say("Please rate this call from 1 to 5 on your keypad.")),
        redirect(url("survey", "queue=support&amp;lang=en&amp;attempt=1&amp;request=17")),
    )
    assert customer_bridge_ended(support, request=17, dial_status=status, survey=False) == response(
        say("Thank you for calling Example Energy. Goodbye."), HANGUP
    )


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_an_agent_who_did_not_answer_means_an_apology(support: QueueCall, status: str) -> None:
    assert customer_bridge_ended(support, request=17, dial_status=status, survey=True) == response(
        say("Sorry, no agent could take your call just now. We will call you again shortly."),
        HANGUP,
    )


def test_agent_first_tells_the_agent_when_the_customer_was_not_reached(
    support: QueueCall,
) -> None:
    assert agent_bridge_ended(support, dial_status="no-answer") == response(
        say("The customer did not answer."), HANGUP
    )
    assert agent_bridge_ended(support, dial_status="completed") == response(HANGUP)
