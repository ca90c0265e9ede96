import pytest

from ivr.call import QueueCall
from ivr.voicemail import transcribable, voicemail, voicemail_saved
from tests.ivr.golden import HANGUP, response, say, url

PROMPT = say("Please leave your name and a short message after the tone, then press the hash key.")
GOODBYE = say("Thank you for calling Example Energy. Goodbye.")


def record(query: str = "queue=support&amp;lang=en", transcribe: bool = True) -> str:
    tail = (
        f'transcribe="true" transcribeCallback="{url("transcription", query)}" '
        if transcribe
        else ""
    )
    return (
        f'<Record action="{url("recorded", query)}" finishOnKey="#" maxLength="120" '
        'method="POST" playBeep="true" '
        f'recordingStatusCallback="{url("recording", query)}" '
        'recordingStatusCallbackEvent="completed" recordingStatusCallbackMethod="POST" '
        f'timeout="5" {tail}trim="trim-silence" />'
    )


def test_an_english_voicemail_is_recorded_and_transcribed(support: QueueCall) -> None:
    assert voicemail(support) == response(
        PROMPT, record(), say("Sorry, we did not receive a message."), GOODBYE, HANGUP
    )


def test_other_languages_are_recorded_without_transcription(support_ru: QueueCall) -> None:
    document = voicemail(support_ru)
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
    assert "transcribe" not in voicemail(support, max_length=300)
    assert "transcribe" not in voicemail(support, transcribe=False)


def test_a_voicemail_needs_a_positive_length(support: QueueCall) -> None:
    with pytest.raises(ValueError, match="at least 1 second"):
        voicemail(support, max_length=0)


def test_the_caller_is_thanked_for_the_message(support: QueueCall) -> None:
    assert voicemail_saved(support) == response(
        say("Thank you. We have your message and will call you back."), GOODBYE, HANGUP
    )
