import pytest

from callback.numbers import Refusal
from ivr.call import QueueCall
from ivr.voicemail import (
    ask_callback_number,
    message_without_number,
    record_message,
    transcribable,
    voicemail,
    voicemail_saved,
)
from tests.ivr.golden import HANGUP, redirect, response, say, url

PROMPT = say("Please leave your name and a short message after the tone, then press the hash key.")
GOODBYE = say("Thank you for calling Example Energy. Goodbye.")
NONE = say("Sorry, we did not receive a message.")


def record(
    query: str = "queue=support&amp;lang=en", transcribe: bool = True, keyed: str = ""
) -> str:
    carried = f"{query}&amp;digits={keyed}" if keyed else query
    tail = (
        f'transcribe="true" transcribeCallback="{url("transcription", carried)}" '
        if transcribe
        else ""
    )
    return (
        f'<Record action="{url("recorded", carried)}" finishOnKey="#" maxLength="120" '
        'method="POST" playBeep="true" '
        f'recordingStatusCallback="{url("recording", query)}" '
        'recordingStatusCallbackEvent="completed" recordingStatusCallbackMethod="POST" '
        f'timeout="5" {tail}trim="trim-silence" />'
    )


def test_menus_send_the_caller_to_the_voicemail_step(support: QueueCall) -> None:
    assert voicemail(support) == response(redirect(url("voicemail")))


def test_an_english_voicemail_is_recorded_and_transcribed(support: QueueCall) -> None:
    assert record_message(support) == response(PROMPT, record(), NONE, GOODBYE, HANGUP)


def test_other_languages_are_recorded_without_transcription(support_ru: QueueCall) -> None:
    document = record_message(support_ru)
    assert record("queue=support&amp;lang=ru", transcribe=False) in document
    assert (
        say(
            "Пожалуйста, после сигнала назовите своё имя и оставьте короткое сообщение, "
            "затем нажмите решётку.",
            "ru-RU",
        )
        in document
    )


def test_a_message_longer_than_twilio_transcribes_is_not_sent_to_transcription(
    support: QueueCall,
) -> None:
    assert transcribable(support, 120)
    assert not transcribable(support, 121)
    assert "transcribe" not in record_message(support, max_length=300)
    assert "transcribe" not in record_message(support, transcribe=False)


def test_a_voicemail_needs_a_positive_length(support: QueueCall) -> None:
    with pytest.raises(ValueError, match="at least 1 second"):
        record_message(support, max_length=0)


def test_the_caller_is_thanked_for_the_message(support: QueueCall) -> None:
    assert voicemail_saved(support) == response(
        say("Thank you. We have your message and will call you back."), GOODBYE, HANGUP
    )


def test_a_keyed_number_travels_to_the_recording_and_its_transcription(
    support: QueueCall,
) -> None:
    assert record_message(support, number="02079460123") == response(
        PROMPT, record(keyed="02079460123"), NONE, GOODBYE, HANGUP
    )


def test_without_a_caller_id_the_number_is_asked_for_first(support: QueueCall) -> None:
    query = "queue=support&amp;lang=en&amp;after=voicemail"
    enter = say(
        "Please enter the phone number we should call, including the area code, "
        "then press the hash key."
    )
    assert ask_callback_number(support) == response(
        say("We cannot see the number you are calling from."),
        f'<Gather action="{url("number", query)}" finishOnKey="#" input="dtmf" '
        f'method="POST" timeout="10">{enter}</Gather>',
        redirect(url("number", query)),
    )


def test_a_message_is_still_taken_when_no_number_could_be(support: QueueCall) -> None:
    assert message_without_number(support, Refusal.EMPTY) == response(
        say("Sorry, we did not receive a number."),
        say("We are sorry, we could not take a number we can call."),
        say(
            "You can still leave us a message, "
            "but we can only call you back if you say your number in it."
        ),
        PROMPT,
        record(),
        NONE,
        GOODBYE,
        HANGUP,
    )


def test_the_hidden_number_prompts_exist_in_every_language(sales: QueueCall) -> None:
    for code in ("is", "fa", "en"):
        document = ask_callback_number(sales.in_language(code))
        assert "after=voicemail" in document
        assert "{" not in document  # every placeholder filled
