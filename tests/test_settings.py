"""Process settings: a Twilio REST timeout that a claim's lease could not outlast is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import Settings


def test_the_twilio_timeout_must_stay_under_the_shortest_lease() -> None:
    # The shortest lease the supervisor config allows is 30 s; a dial in flight longer than
    # its claim's lease could be taken over and dialled twice.
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, twilio_http_timeout=30)
    [error] = refused.value.errors()
    assert error["loc"] == ("twilio_http_timeout",)
    assert error["type"] == "less_than_equal"


def test_a_twilio_timeout_within_the_lease_is_kept() -> None:
    assert Settings(_env_file=None, twilio_http_timeout=20).twilio_http_timeout == 20
