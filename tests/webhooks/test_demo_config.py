"""`holdless config demo`: the example, open round the clock, whatever hour the demo runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callback.calling_window import allows
from callback.config import SupervisorConfig, load_config
from callback.dispatch.opening import Gate, gate
from callback.types import E164
from devtools.carrier.trickle import caller_number
from settings import Settings
from tests.webhooks.conftest import EXAMPLE
from webhooks.cli import closed_now, main

NOW = datetime.now(UTC)
"""The hour this test runs at: the demo must be open now and at every hour after it."""
MOMENTS = [NOW + timedelta(hours=hours) for hours in range(24)]
EXAMPLE_CLOSED = [
    datetime(2026, 12, 25, 12, 0, tzinfo=UTC),  # Christmas Day: the example's support closes
    datetime(2027, 3, 7, 23, 59, 59, tzinfo=UTC),  # a Sunday, one second before midnight
    datetime(2027, 3, 8, 21, 30, tzinfo=UTC),  # a Monday evening, after 20:00 in London
]
DEMO_CHANGES = {"hours", "staffing", "closures", "numbers"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SupervisorConfig:
    out = tmp_path_factory.mktemp("demo") / "holdless.toml"
    assert main(["config", "demo", str(EXAMPLE), "--out", str(out)]) == 0
    return load_config(out)


def _open_and_calling(config: SupervisorConfig, at: datetime) -> None:
    window = config.calling_window_policy()
    for name, queue in config.queues.items():
        schedule = queue.schedule()
        assert schedule.is_open(at), f"{name} closed at {at}"
        assert gate(schedule, config.callback_policy(name), at) is Gate.ACCEPTING
        assert queue.staffing_plan().agents_at(at) == 3
        line = queue.numbers[0]
        customer = E164(caller_number(line, 7))
        assert allows(window, customer, at, ZoneInfo(queue.time_zone)), f"{name} at {at}"


@pytest.mark.parametrize("at", MOMENTS, ids=[f"now+{h}h" for h in range(24)])
def test_the_demo_config_is_open_every_hour_from_now(demo: SupervisorConfig, at: datetime) -> None:
    _open_and_calling(demo, at)


@pytest.mark.parametrize("at", EXAMPLE_CLOSED, ids=str)
def test_the_demo_is_open_when_the_example_is_closed(demo: SupervisorConfig, at: datetime) -> None:
    assert not load_config(EXAMPLE).queues["support"].schedule().is_open(at)
    _open_and_calling(demo, at)


def _without_demo_changes(config: SupervisorConfig) -> dict[str, Any]:
    dumped = config.model_dump(by_alias=True)
    for queue in dumped["queues"].values():
        for key in DEMO_CHANGES:
            queue.pop(key, None)
    dumped.pop("calling_window")
    dumped["abuse"].pop("per_ip_per_hour")
    return dumped


def test_everything_else_is_the_example(demo: SupervisorConfig) -> None:
    assert _without_demo_changes(demo) == _without_demo_changes(load_config(EXAMPLE))
    # Each line rings the queue of its own country: the Icelandic line reaches sales.
    assert demo.queues["sales"].numbers == ("+3544101234",)
    assert demo.queues["support"].numbers == ("+442079460000",)
    assert demo.abuse.per_ip_per_hour == 240


def test_the_demo_file_keeps_the_examples_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "holdless.toml"
    assert main(["config", "demo", str(EXAMPLE), "--out", str(out)]) == 0
    assert main(["config", "check", str(out)]) == 0
    summary = capsys.readouterr().out
    assert "calling window: 00:00-24:00 in the callee's local time" in summary
    assert summary.count("Mon-Sun 00:00-24:00; 0 closure(s)") == 2
    text = out.read_text(encoding="utf-8")
    kept = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line[:1] == "#"]
    missing = [line for line in kept if line not in text.splitlines()]
    assert missing == ["# Holidays (no hours: closed all day) and days with special hours."]
    assert text.startswith("# The demo config of `make run`")
    assert text.count("# demo:") == 9


def test_a_broken_example_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(EXAMPLE.read_text().replace('region = "IS"', 'region = "XX"'))
    out = tmp_path / "holdless.toml"
    assert main(["config", "demo", str(broken), "--out", str(out)]) == 1
    assert "queues.sales.region" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [broken]
    assert main(["config", "demo", str(tmp_path / "missing.toml"), "--out", str(out)]) == 1


def test_a_simulated_start_with_closed_queues_says_how_to_open_them(tmp_path: Path) -> None:
    evening = datetime(2026, 12, 7, 21, 30, tzinfo=UTC)  # a Monday, after 20:00 in London
    simulated = Settings(_env_file=None, carrier="simulated", config_file=EXAMPLE)
    [(name, text)] = closed_now(simulated, load_config(EXAMPLE), evening)
    assert name == "closed now"
    assert text.startswith("support, sales (a demo open 24/7: holdless config demo")
    out = tmp_path / "holdless.toml"
    assert main(["config", "demo", str(EXAMPLE), "--out", str(out)]) == 0
    assert closed_now(simulated, load_config(out), evening) == []
    twilio = Settings(
        _env_file=None,
        carrier="twilio",
        twilio_account_sid="AC" + "3f9a" * 8,
        twilio_auth_token="b7c1" * 8,
    )
    assert closed_now(twilio, load_config(EXAMPLE), evening) == []
