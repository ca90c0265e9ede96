"""HOLDLESS_METRICS_TOKEN: unset by default, read from the environment, never echoed."""

from __future__ import annotations

import pytest

from settings import SettingsError, load_settings


def test_no_token_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOLDLESS_METRICS_TOKEN", raising=False)
    assert load_settings(_env_file=None).metrics_token is None


def test_the_token_is_read_from_the_environment_and_kept_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOLDLESS_METRICS_TOKEN", "scrape-me-with-this-long-value")
    settings = load_settings(_env_file=None)
    assert settings.metrics_token is not None
    assert settings.metrics_token.get_secret_value() == "scrape-me-with-this-long-value"
    assert "scrape-me" not in repr(settings)


def test_a_short_token_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLDLESS_METRICS_TOKEN", "tiny-guess")
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None)
    assert refused.value.problems[0].startswith("HOLDLESS_METRICS_TOKEN:")
    assert "tiny-guess" not in str(refused.value)
