"""`[api]`: the replay window stays within what the store remembers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.callback.config.snippets import build, issues


def test_the_replay_window_defaults_to_five_minutes() -> None:
    assert build().api.replay_window == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("window", "rule"),
    [
        ('"10s"', "must be at least 30s"),
        ('"25h"', "must be at most 1d"),
    ],
)
def test_a_replay_window_outside_30s_to_a_day_is_refused(window: str, rule: str) -> None:
    assert issues(f"[api]\nreplay_window = {window}\n") == [("api.replay_window", rule)]


def test_a_day_is_the_longest_replay_window() -> None:
    assert build('[api]\nreplay_window = "24h"\n').api.replay_window == timedelta(days=1)
