"""The documents that bring a caller on hold to an agent: the connect step's Dial with its
whisper, what the agent hears, and the ways back onto hold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ivr import live
from ivr.call import QueueCall
from tests.ivr.golden import HANGUP, response, say, url

CLAIM = "queue=support&amp;lang=en&amp;request=7&amp;fence=2"
ENQUEUE = (
    '<Enqueue action="/twilio/ivr/queue-result?queue=support&amp;lang=en" method="POST" '
    'waitUrl="/twilio/ivr/hold-wait?queue=support&amp;lang=en" waitUrlMethod="POST">'
    "support</Enqueue>"
)


def test_connect_rings_the_agent_with_the_whisper_and_reports_the_dial_end(
    support: QueueCall,
) -> None:
    document = live.connect(support, agent="client:alice", held_id=7, fence=2, whisper_call=support)
    assert document == response(
        say("Connecting you now. Please hold."),
        f'<Dial action="{url("connected", CLAIM)}" method="POST" timeout="20">'
        f'<Client method="POST" url="{url("live-whisper", CLAIM)}">alice</Client></Dial>',
    )


def test_the_whisper_names_the_queue_the_wait_and_the_reason(support: QueueCall) -> None:
    assert live.whisper(support, waited=timedelta(minutes=4), reason="billing") == response(
        say("Caller on hold in the Customer support queue. They have waited 4 minutes."),
        say("Reason: billing."),
    )


@pytest.mark.parametrize("seconds", [-5, 0, 10, 119])
def test_a_short_wait_is_not_overstated_to_the_agent(support: QueueCall, seconds: int) -> None:
    # The smallest spoken figure is two minutes: a caller of ten seconds has not waited that.
    assert live.whisper(support, waited=timedelta(seconds=seconds), reason=None) == response(
        say("Caller on hold in the Customer support queue. They have waited less than two minutes.")
    )


def test_the_whisper_speaks_the_agents_language(support_ru: QueueCall) -> None:
    document = live.whisper(support_ru, waited=timedelta(seconds=30), reason=None)
    assert document == response(
        say("Абонент на линии, очередь «Customer support». Ожидание меньше двух минут.", "ru-RU")
    )


def test_an_unanswered_agent_puts_the_caller_back_on_hold(support: QueueCall) -> None:
    assert live.put_back(support) == response(
        say("Sorry, that agent could not take your call. You keep your place in line."), ENQUEUE
    )


def test_a_stale_connect_step_goes_on_holding_and_the_agent_leg_hangs_up(
    support: QueueCall,
) -> None:
    assert live.back_on_hold(support) == response(ENQUEUE)
    assert live.decline() == response(HANGUP)
