"""The called number picks the queue; queue numbers must be our service numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from callback.config.issues import ConfigError
from callback.config.loader import load_config
from tests.webhooks.twilio.conftest import Twilio, action


@pytest.fixture(autouse=True)
def sales_line(config_file: Path) -> None:
    """The Icelandic service number rings the sales queue."""
    text = config_file.read_text(encoding="utf-8")
    marker = "priority = 10\n"
    config_file.write_text(text.replace(marker, marker + 'numbers = ["+354 410 1234"]\n', 1))


def test_the_called_number_chooses_the_queue(twilio: Twilio) -> None:
    assert "queue=sales" in action(twilio.twiml("/twilio/voice", To="+3544101234"))


def test_an_unclaimed_number_goes_to_the_first_queue(twilio: Twilio) -> None:
    assert "queue=support" in action(twilio.twiml("/twilio/voice", To="+442079460000"))


def test_a_queue_number_that_is_not_a_service_number_is_refused(config_file: Path) -> None:
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace('"+354 410 1234"]\n', '"+354 410 9999"]\n', 1))
    with pytest.raises(ConfigError, match="service"):
        load_config(config_file)
