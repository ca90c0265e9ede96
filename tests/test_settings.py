"""Process settings: a Twilio REST timeout that a claim's lease could not outlast is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import Settings, SettingsError, load_settings


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


def test_nobody_is_trusted_to_forward_client_addresses_by_default() -> None:
    assert Settings(_env_file=None).trusted_proxies == ()


def test_trusted_proxies_are_read_from_a_comma_separated_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOLDLESS_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16 ::1,")
    assert Settings(_env_file=None).trusted_proxies == ("10.0.0.5", "10.1.0.0/16", "::1")


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ("*", "an IP address or a network"),  # uvicorn would then take the client's own word
        ("0.0.0.0/0", "may not cover every address"),
        ("::/0", "may not cover every address"),
        ("10.1.2.3/8", "an IP address or a network"),  # host bits set: which was meant?
        ("proxy.internal", "an IP address or a network"),
    ],
)
def test_a_trusted_proxy_must_be_an_address_or_a_network_short_of_everything(
    monkeypatch: pytest.MonkeyPatch, entry: str, rule: str
) -> None:
    monkeypatch.setenv("HOLDLESS_TRUSTED_PROXIES", f"10.0.0.5,{entry}")
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None)
    [problem] = refused.value.problems
    assert problem.startswith("HOLDLESS_TRUSTED_PROXIES:")
    assert rule in problem
