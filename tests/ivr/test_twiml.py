from ivr.twiml import Document, EndpointKind, Line, Party, Recording
from tests.ivr.golden import response


def test_a_say_can_name_a_voice() -> None:
    doc = Document()
    doc.say(Line("سلام", "fa-IR", "Google.fa-IR-Standard-A"))
    assert doc.xml() == response('<Say language="fa-IR" voice="Google.fa-IR-Standard-A">سلام</Say>')


def test_text_is_escaped_by_the_builder() -> None:
    doc = Document()
    doc.says([Line("Smith & <Sons>", "en-GB")])
    assert doc.xml() == response('<Say language="en-GB">Smith &amp; &lt;Sons&gt;</Say>')


def test_pause_play_and_loop() -> None:
    doc = Document()
    doc.pause(2)
    doc.play("https://cdn.example.com/a.mp3", loop=3)
    assert doc.xml() == response(
        '<Pause length="2" /><Play loop="3">https://cdn.example.com/a.mp3</Play>'
    )


def test_an_enqueue_without_urls_has_no_attributes() -> None:
    doc = Document()
    doc.enqueue("support", wait_url=None, action=None)
    assert doc.xml() == response("<Enqueue>support</Enqueue>")


def test_a_dial_without_a_whisper_has_a_bare_noun() -> None:
    doc = Document()
    doc.dial(Party(EndpointKind.NUMBER, "+442079460123"), action="/a", timeout=30)
    assert doc.xml() == response(
        '<Dial action="/a" method="POST" timeout="30"><Number>+442079460123</Number></Dial>'
    )


def test_a_record_without_transcription() -> None:
    doc = Document()
    doc.record(Recording(action="/r", status_callback="/s", max_length=60))
    assert doc.xml() == response(
        '<Record action="/r" finishOnKey="#" maxLength="60" method="POST" playBeep="true" '
        'recordingStatusCallback="/s" recordingStatusCallbackEvent="completed" '
        'recordingStatusCallbackMethod="POST" timeout="5" trim="trim-silence" />'
    )
