from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callback.config.catalogue import builtin_catalogue
from callback.estimate import Estimate
from ivr.speech import Speaker
from ivr.twiml import Line

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def test_a_line_carries_the_say_language_of_the_catalogue() -> None:
    speaker = Speaker(builtin_catalogue(), "ru")
    assert speaker.line("position", position=3) == Line("Ваш номер в очереди: 3.", "ru-RU", None)


def test_persian_is_spoken_with_its_own_code_and_an_optional_voice() -> None:
    speaker = Speaker(builtin_catalogue(), "fa", "Google.fa-IR-Standard-A")
    line = speaker.line("hold_thanks")
    assert line.language == "fa-IR"
    assert line.voice == "Google.fa-IR-Standard-A"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no language 'de'"):
        Speaker(builtin_catalogue(), "de")


def test_speaking_switches_language_and_voice() -> None:
    speaker = Speaker(builtin_catalogue(), "en", "Polly.Amy")
    icelandic = speaker.speaking("is")
    assert icelandic.say_language == "is-IS"
    assert icelandic.voice is None


def test_wait_is_about_or_a_range() -> None:
    speaker = Speaker(builtin_catalogue(), "en")
    large = Estimate(
        timedelta(minutes=12), timedelta(minutes=9), timedelta(minutes=16), NOW, True, 10
    )
    small = Estimate(
        timedelta(minutes=12), timedelta(minutes=4), timedelta(minutes=22), NOW, True, 2
    )
    assert speaker.wait(large).text == "Your expected wait is about 10 minutes."
    assert speaker.wait(small).text == "Your wait should be between 4 and 25 minutes."


def test_window_names_the_day_and_local_times() -> None:
    speaker = Speaker(builtin_catalogue(), "is")
    start = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    window = speaker.window(start, start + timedelta(minutes=30), NOW, LONDON)
    assert window == {"day": "á morgun", "start": "09:00", "end": "09:30"}
