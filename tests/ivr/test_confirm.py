from datetime import UTC, datetime, timedelta

from callback.estimate import Estimate
from callback.request import Promise
from callback.service.line import promise_for
from ivr.call import QueueCall
from ivr.confirm import callback_confirmed, farewell
from tests.ivr.conftest import NOW
from tests.ivr.golden import HANGUP, response, say

ESTIMATE = Estimate(
    wait=timedelta(minutes=11, seconds=40),
    low=timedelta(minutes=6),
    high=timedelta(minutes=19),
    by=datetime(2026, 3, 10, 12, 20, tzinfo=UTC),
    before_close=True,
    servers=3,
)


def test_the_confirmation_gives_minutes_and_a_clock_time(support: QueueCall) -> None:
    assert callback_confirmed(support, estimate=ESTIMATE) == response(
        say("Thank you. We will call you back in about 10 minutes, by 12:20. You can hang up now."),
        say("Thank you for calling Example Energy. Goodbye."),
        HANGUP,
    )


def test_the_clock_time_is_local_in_summer(support: QueueCall) -> None:
    summer = Estimate(
        ESTIMATE.wait,
        ESTIMATE.low,
        ESTIMATE.high,
        datetime(2026, 7, 10, 13, 40, tzinfo=UTC),
        True,
        3,
    )
    assert "by 14:40" in callback_confirmed(support, estimate=summer)


def test_the_confirmation_in_icelandic(sales: QueueCall) -> None:
    assert callback_confirmed(sales, estimate=ESTIMATE).startswith(
        response(
            say(
                "Takk fyrir. Við hringjum í þig eigi síðar en klukkan 12:20. "
                "Áætluð bið í mínútum er um 10. Þú getur lagt á núna.",
                "is-IS",
            )
        )[:-11]
    )


def test_the_promise_to_store_is_what_was_announced() -> None:
    assert promise_for(ESTIMATE, NOW) == Promise(
        announced_at=NOW,
        wait=ESTIMATE.wait,
        low=ESTIMATE.low,
        high=ESTIMATE.high,
        by=ESTIMATE.by,
    )


def test_farewell(support: QueueCall) -> None:
    assert farewell(support) == response(
        say("Thank you for calling Example Energy. Goodbye."), HANGUP
    )
