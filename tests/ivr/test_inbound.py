from datetime import UTC, datetime, timedelta

import pytest

from callback.estimate import Estimate
from callback.hours import Schedule
from callback.ordering import Position
from ivr.call import QueueCall
from ivr.inbound import (
    Standing,
    closed,
    language_chosen,
    language_digits,
    language_menu,
    reason_chosen,
    reason_menu,
    welcome,
)
from tests.ivr.conftest import NOW
from tests.ivr.golden import gather, redirect, response, say, url

GREETING = say("Thank you for calling Example Energy.")
ENQUEUE = (
    '<Enqueue action="/twilio/ivr/queue-result?queue=support&amp;lang=en" method="POST" '
    'waitUrl="/twilio/ivr/hold-wait?queue=support&amp;lang=en" waitUrlMethod="POST">'
    "support</Enqueue>"
)


def standing(wait_minutes: float, servers: int = 8) -> Standing:
    wait = timedelta(minutes=wait_minutes)
    estimate = Estimate(wait, wait * 0.8, wait * 1.3, NOW + wait * 1.3, True, servers)
    return Standing(Position(ahead=4), estimate)


def english_only(support: QueueCall) -> QueueCall:
    settings = support.settings.model_copy(update={"languages": ("en",)})
    return QueueCall(support.company, "support", settings, support.policy, support.speaker)


def test_a_queue_with_two_languages_greets_then_asks_for_the_language(
    support: QueueCall,
) -> None:
    assert welcome(
        support, now=NOW, schedule=support.settings.schedule(), standing=None, slots=True
    ) == response(
        GREETING,
        gather(
            url("language"),
            say("For English, press 1."),
            say("Для обслуживания на русском языке нажмите 2.", "ru-RU"),
        ),
        redirect(url("language", "queue=support&amp;lang=en&amp;attempt=1")),
    )


def test_language_digits_follow_the_queue_order(support: QueueCall) -> None:
    assert language_digits(support) == {"1": "en", "2": "ru"}


def test_a_repeated_language_menu_apologises_first(support: QueueCall) -> None:
    assert language_menu(support, attempt=1) == response(
        say("Sorry, we did not catch that."),
        gather(
            url("language", "queue=support&amp;lang=en&amp;attempt=1"),
            say("For English, press 1."),
            say("Для обслуживания на русском языке нажмите 2.", "ru-RU"),
        ),
        redirect(url("language", "queue=support&amp;lang=en&amp;attempt=2")),
    )


def test_after_the_language_the_reasons_follow_in_that_language(support_ru: QueueCall) -> None:
    ru = "queue=support&amp;lang=ru"
    assert language_chosen(support_ru, standing=standing(10), slots=True) == response(
        gather(
            url("reason", ru),
            say("Если ваш вопрос касается темы «оплата и счета», нажмите 1.", "ru-RU"),
            say(
                "Если ваш вопрос касается темы «неисправность или отключение», нажмите 2.",
                "ru-RU",
            ),
        ),
        redirect(url("reason", ru + "&amp;attempt=1")),
    )


def test_reason_menu_repeat(support: QueueCall) -> None:
    assert reason_menu(support, attempt=1) == response(
        say("Sorry, we did not catch that."),
        gather(
            url("reason", "queue=support&amp;lang=en&amp;attempt=1"),
            say("For billing, press 1."),
            say("For a fault or power cut, press 2."),
        ),
        redirect(url("reason", "queue=support&amp;lang=en&amp;attempt=2")),
    )


def test_a_wait_over_the_threshold_offers_a_callback_before_hold(support: QueueCall) -> None:
    assert reason_chosen(support, standing=standing(12), slots=True) == response(
        gather(
            url("offer"),
            say("You are number 5 in line."),
            say("Your expected wait is about 10 minutes."),
            say("To keep your place in line and have us call you back, press 1."),
            say("To choose a later time for your call, press 2."),
        ),
        ENQUEUE,
    )


def test_no_later_time_is_offered_without_slots(support: QueueCall) -> None:
    document = reason_chosen(support, standing=standing(12), slots=False)
    assert "press 2" not in document
    assert "press 1" in document


def test_a_short_wait_goes_straight_to_hold(support: QueueCall) -> None:
    assert reason_chosen(support, standing=standing(1.5), slots=True) == response(
        say("You are number 5 in line."),
        say("Your expected wait is about 2 minutes."),
        ENQUEUE,
    )


def test_a_small_team_hears_a_range(support: QueueCall) -> None:
    document = reason_chosen(support, standing=standing(12, servers=2), slots=True)
    assert say("Your wait should be between 9 and 20 minutes.") in document


def test_without_an_estimate_the_caller_holds_without_a_promise(support: QueueCall) -> None:
    assert reason_chosen(support, standing=None, slots=True) == response(ENQUEUE)


def test_a_single_language_queue_without_reasons_announces_the_wait_at_once(
    support: QueueCall,
) -> None:
    call = english_only(support)
    settings = call.settings.model_copy(update={"reasons": {}})
    call = QueueCall(call.company, "support", settings, call.policy, call.speaker)
    assert welcome(
        call, now=NOW, schedule=settings.schedule(), standing=standing(1), slots=True
    ) == response(
        GREETING,
        say("You are number 5 in line."),
        say("Your expected wait is about 2 minutes."),
        ENQUEUE,
    )


def test_a_single_language_queue_with_reasons_greets_then_asks_the_reason(
    support: QueueCall,
) -> None:
    call = english_only(support)
    document = welcome(
        call, now=NOW, schedule=call.settings.schedule(), standing=standing(1), slots=True
    )
    assert document.startswith(response(GREETING)[: -len("</Response>")])
    assert (
        gather(
            url("reason"), say("For billing, press 1."), say("For a fault or power cut, press 2.")
        )
        in document
    )


CLOSED_MENU = (
    gather(
        url("closed"),
        say("To book a time for us to call you back, press 1."),
        say("To leave us a message, press 2."),
    ),
    redirect(url("closed", "queue=support&amp;lang=en&amp;attempt=1")),
)


def test_after_hours_the_caller_hears_when_we_open_and_the_options(support: QueueCall) -> None:
    evening = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
    assert welcome(
        support, now=evening, schedule=support.settings.schedule(), standing=None, slots=True
    ) == response(
        GREETING,
        say("Our lines are closed right now. We open again tomorrow at 08:00."),
        *CLOSED_MENU,
    )


def test_on_a_holiday_the_caller_hears_so_and_the_next_weekday(support: QueueCall) -> None:
    christmas = datetime(2026, 12, 25, 12, 0, tzinfo=UTC)  # a Friday; Saturday is open
    document = closed(support, now=christmas, schedule=support.settings.schedule(), slots=True)
    assert document == response(
        say("We are closed today for a holiday. We open again tomorrow at 09:00."), *CLOSED_MENU
    )


def test_outside_the_special_hours_of_a_short_day_it_is_simply_closed(
    support: QueueCall,
) -> None:
    afternoon = datetime(2026, 12, 24, 14, 0, tzinfo=UTC)  # Christmas Eve opens 09:00-13:00
    document = closed(support, now=afternoon, schedule=support.settings.schedule(), slots=True)
    assert say("Our lines are closed right now. We open again on Saturday at 09:00.") in document


def test_without_slots_only_the_voicemail_is_offered_and_in_russian(
    support_ru: QueueCall,
) -> None:
    saturday = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)  # after Saturday's 09:00-13:00
    ru = "queue=support&amp;lang=ru"
    assert closed(
        support_ru, now=saturday, schedule=support_ru.settings.schedule(), slots=False
    ) == response(
        say("Сейчас мы не работаем. Мы снова будем на связи в понедельник в 08:00.", "ru-RU"),
        gather(url("closed", ru), say("Чтобы оставить нам сообщение, нажмите 2.", "ru-RU")),
        redirect(url("closed", ru + "&amp;attempt=1")),
    )


def test_a_repeated_closed_menu_does_not_repeat_the_hours(support: QueueCall) -> None:
    evening = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
    document = closed(
        support, now=evening, schedule=support.settings.schedule(), slots=True, attempt=1
    )
    assert "We open again" not in document
    assert document.startswith(response(say("Sorry, we did not catch that."))[:-11])


def test_a_queue_that_never_opens_again_says_only_that_it_is_closed(
    support: QueueCall,
) -> None:
    never = Schedule(tz=support.zone, weekly={})
    document = closed(support, now=NOW, schedule=never, slots=False)
    assert document.startswith(response(say("Our lines are closed right now."))[:-11])


@pytest.mark.parametrize("slots", [True, False])
def test_the_sales_queue_greets_in_icelandic_and_offers_three_languages(
    sales: QueueCall, slots: bool
) -> None:
    morning = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    q = "queue=sales&amp;lang=is"
    assert welcome(
        sales, now=morning, schedule=sales.settings.schedule(), standing=None, slots=slots
    ) == response(
        say("Takk fyrir að hringja í Example Energy.", "is-IS"),
        gather(
            url("language", q),
            say("Fyrir íslensku, ýttu á 1.", "is-IS"),
            say("برای فارسی، کلید 2 را فشار دهید.", "fa-IR"),
            say("For English, press 3."),
        ),
        redirect(url("language", q + "&amp;attempt=1")),
    )
