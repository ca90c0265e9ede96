import pytest

from callback.config.catalogue import builtin_catalogue
from callback.numbers import Refusal
from ivr.call import QueueCall
from ivr.capture import (
    MAX_NUMBER_FAILURES,
    ask_number,
    confirm_caller_id,
    number_refused,
    read_back,
    refusal_key,
    start_capture,
    way_out,
)
from ivr.links import Step
from tests.ivr.golden import gather, redirect, response, say, url

ENTER = say(
    "Please enter the phone number we should call, including the area code, "
    "then press the hash key."
)


def number_gather(query: str = "queue=support&amp;lang=en") -> str:
    head = (
        f'<Gather action="{url("number", query)}" finishOnKey="#" input="dtmf" '
        'method="POST" timeout="10">'
    )
    return head + ENTER + "</Gather>"


def test_a_known_caller_id_is_confirmed_by_its_last_four_digits(support: QueueCall) -> None:
    assert start_capture(support, "+447700900123") == response(
        gather(
            url("caller-id"),
            say(
                "Shall we call you back on the number ending in 0 1 2 3? "
                "Press 1 for yes, or 2 to enter a different number."
            ),
        ),
        redirect(url("caller-id", "queue=support&amp;lang=en&amp;attempt=1")),
    )


def test_the_whole_caller_id_is_never_read_out(support: QueueCall) -> None:
    document = confirm_caller_id(support, "+447700900123")
    assert "7 7 0 0" not in document
    assert "447700900123" not in document


def test_a_hidden_caller_id_goes_straight_to_keying_in(support: QueueCall) -> None:
    assert start_capture(support, None) == response(number_gather(), redirect(url("number")))


def test_a_refused_number_gets_its_reason_and_another_try(support: QueueCall) -> None:
    second = "queue=support&amp;lang=en&amp;attempt=1"
    assert number_refused(support, Refusal.REGION_NOT_ALLOWED, failures=1) == response(
        say("Sorry, we can only call back numbers in the countries we serve."),
        number_gather(second),
        redirect(url("number", second)),
    )


def test_after_two_failures_the_caller_gets_a_way_out(support: QueueCall) -> None:
    assert number_refused(support, Refusal.INVALID, failures=MAX_NUMBER_FAILURES) == response(
        say("Sorry, that number seems to be incomplete or not valid."),
        say("We are sorry, we could not take a number we can call."),
        gather(
            url("way-out"),
            say("To wait on the line for the next agent, press 1."),
            say("To leave us a message, press 2."),
        ),
        '<Enqueue action="/twilio/ivr/queue-result?queue=support&amp;lang=en" method="POST" '
        'waitUrl="/twilio/ivr/hold-wait?queue=support&amp;lang=en" waitUrlMethod="POST">'
        "support</Enqueue>",
    )


def test_the_way_out_can_come_without_a_reason(support: QueueCall) -> None:
    assert way_out(support).startswith(
        response(say("We are sorry, we could not take a number we can call."))[:-11]
    )


def test_a_keyed_number_is_read_back_in_groups_and_carried_to_the_confirm_step(
    support: QueueCall,
) -> None:
    query = "queue=support&amp;lang=en&amp;digits=07946000000"
    assert read_back(support, "07946000000") == response(
        gather(
            url("number-confirm", query),
            say("You entered 0 7 9, 4 6 0 0, 0 0 0 0."),
            say("To use this number, press 1. To enter it again, press 2."),
        ),
        redirect(
            url("number-confirm", "queue=support&amp;lang=en&amp;attempt=1&amp;digits=07946000000")
        ),
    )


def test_number_capture_in_russian(support_ru: QueueCall) -> None:
    assert ask_number(support_ru, refusal=Refusal.EMPTY, failures=1).startswith(
        response(say("Извините, мы не получили номер.", "ru-RU"))[:-11]
    )


@pytest.mark.parametrize("refusal", list(Refusal))
def test_every_refusal_is_explained_in_every_language(refusal: Refusal) -> None:
    catalogue = builtin_catalogue()
    for code in catalogue.languages:
        assert catalogue.text(code, refusal_key(refusal))


def test_a_capture_for_a_voicemail_carries_its_next_step_through_every_link(
    support: QueueCall,
) -> None:
    after = Step.VOICEMAIL
    tail = "&amp;after=voicemail"
    refused = number_refused(support, Refusal.EMPTY, failures=1, after=after)
    assert url("number", f"queue=support&amp;lang=en&amp;attempt=1{tail}") in refused
    confirm = read_back(support, "0207", after=after)
    assert url("number-confirm", f"queue=support&amp;lang=en&amp;digits=0207{tail}") in confirm
    asked = ask_number(support, after=after)
    assert url("number", f"queue=support&amp;lang=en{tail}") in asked
