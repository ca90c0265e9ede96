from datetime import timedelta

import pytest

from ivr.call import QueueCall
from ivr.whisper import Briefing, whisper
from tests.ivr.golden import response, say


def test_the_whisper_tells_the_agent_everything_before_the_bridge(support: QueueCall) -> None:
    briefing = Briefing(
        waited=timedelta(minutes=14),
        attempt=1,
        attempts=3,
        reason="billing",
        context="web form: meter reading disputed",
        recording_url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
    )
    assert whisper(support, briefing) == response(
        say("Callback from the Customer support queue. The customer has waited 15 minutes."),
        say("Reason: billing."),
        say("Attempt 1 of 3."),
        say("Details: web form: meter reading disputed."),
        say("The customer left this message."),
        "<Play>https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1</Play>",
    )


def test_a_bare_whisper_in_russian(support_ru: QueueCall) -> None:
    briefing = Briefing(waited=timedelta(minutes=3), attempt=2, attempts=3)
    assert whisper(support_ru, briefing) == response(
        say(
            "Обратный звонок, очередь «Customer support». Время ожидания клиента в минутах: 3.",
            "ru-RU",
        ),
        say("Попытка 2 из 3.", "ru-RU"),
    )


@pytest.mark.parametrize(("attempt", "attempts"), [(0, 3), (4, 3)])
def test_the_attempt_must_lie_within_the_attempts(attempt: int, attempts: int) -> None:
    with pytest.raises(ValueError, match="not within"):
        Briefing(timedelta(0), attempt, attempts)
