"""`holdless staffing advise` on a database with a recorded hour, on a fresh one, and refusals."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from callback.advice import Advice, SimulatedCheck, with_simulated_check
from callback.config import load_config
from callback.store import QueueStore
from callback.store.engine import make_engine
from callback.types import QueueName
from settings import Settings
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.recorded_hour import record_callbacks, record_held_callers
from webhooks.cli import build_parser, main
from webhooks.cli_staffing import build_report, run_advise
from webhooks.staffing_report import as_json, text

SUPPORT = QueueName("support")
EVENING = MONDAY_10 + timedelta(hours=10)


@pytest.fixture
def recorded(settings: Settings) -> Settings:
    """The settings of a database holding one busy hour of the support queue, 10:00-11:00."""
    engine = make_engine(settings.database_url)
    record_callbacks(QueueStore(engine))
    record_held_callers(engine)
    engine.dispose()
    return settings


def _advise(settings: Settings, *options: str) -> int:
    args = build_parser().parse_args(["staffing", "advise", "--from", "2026-03-02", *options])
    return run_advise(args, settings, EVENING)


def test_the_table_shows_the_hour_worked_out_by_hand(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ("--queue", "support", "--target", "80% in 60s", "--interval", "1h")
    assert _advise(recorded, *options) == 0
    out = capsys.readouterr().out
    # 60 arrivals in the hour, all served items took 240 s each: 4 Erlangs. 5 of the 30 on hold gave
    # up in 3000 s on hold: patience 10 minutes (20 for a line half of callbacks). Erlang A
    # (tests/callback/test_advice.py): 6 agents reach 85.5%, the plan's 5 reach 67.6%.
    assert out.splitlines() == [
        "support (Europe/London): 2026-03-02 for 1 day, 60-minute intervals",
        "  goal: 80% answered within 60s",
        "  interval         held  callbacks  handle  patience  model  Erlangs  needed  planned"
        "  change   at plan",
        "  Mon 02 10:00       30         30      4m       10m      A     4.00       6        5"
        "      +1       68%",
        "  at plan: the service level the formula expects with the planned agents",
    ]


def test_the_json_carries_every_figure(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ("--queue", "support", "--abandonment", "5%", "--interval", "1h", "--json")
    assert _advise(recorded, *options) == 0
    report = json.loads(capsys.readouterr().out)
    (queue,) = report["queues"]
    assert queue["goal"] == {"kind": "abandonment", "share": 0.05}
    assert (queue["queue"], queue["history"], queue["interval_s"]) == ("support", True, 3600)
    (row,) = queue["rows"]
    assert row["start"] == "2026-03-02T10:00:00+00:00"
    assert row["local_start"] == "2026-03-02T10:00:00+00:00"  # London keeps GMT in March
    # The last caller on hold was taken at 11:00:40: served in the next hour.
    assert (row["held"], row["callbacks"], row["served"], row["abandoned"]) == (30, 30, 54, 5)
    assert (row["handle_s"], row["patience_s"], row["line_patience_s"]) == (240.0, 600.0, 1200.0)
    assert (row["model"], row["traffic_erlangs"]) == ("erlang_a", 4.0)
    # Erlang A loses 4.9% with 5 agents, 12.2% with 4: five are needed, five are planned.
    assert (row["needed"], row["planned"], row["difference"]) == (5, 5, 0)
    assert row["at_plan"] == pytest.approx(0.0492, abs=1e-4)
    assert row["simulated"] is None


def test_the_default_goal_is_80_percent_within_the_queues_own_target(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _advise(recorded, "--queue", "support", "--json") == 0
    (queue,) = json.loads(capsys.readouterr().out)["queues"]
    assert queue["goal"] == {"kind": "service_level", "share": 0.8, "within_s": 60.0}
    assert queue["interval_s"] == 1800  # half hours by default
    assert [row["offered"] for row in queue["rows"]] == [30, 30]


def test_a_fresh_database_says_there_is_no_history_and_what_it_needs(
    tmp_path: Path,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HOLDLESS_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("HOLDLESS_CONFIG_FILE", str(config_file))
    assert main(["staffing", "advise"]) == 0
    out = capsys.readouterr().out
    assert "sales (Atlantic/Reykjavik)" in out and "support (Europe/London)" in out
    assert out.count("no history: nobody held or asked for a callback in this window.") == 2
    assert "handle_time_prior, 6m, stands in" in out
    assert "--from and --days" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--target", "80 in 60s"], "--target '80 in 60s': write a share and a time"),
        (["--abandonment", "105%"], "--abandonment '105%': write a share like \"5%\""),
        (["--queue", "billing"], "--queue 'billing': not a queue of the config (sales, support)"),
        (["--days", "0"], "--days '0': write a whole number of days from 1 to 62"),
        (["--interval", "90s"], "--interval '90s': write whole minutes from 5m to 24h"),
        (["--interval", "soon"], "--interval 'soon': write whole minutes from 5m to 24h"),
        (["--interval", "25h"], "--interval '25h'"),
    ],
)
def test_a_wrong_option_is_refused_naming_the_flag_and_the_rule(
    settings: Settings, options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _advise(settings, *options) == 2
    assert f"staffing advise: {message}" in capsys.readouterr().err


def test_a_wrong_day_is_refused(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["staffing", "advise", "--from", "2 March"])
    assert run_advise(args, settings, EVENING) == 2
    assert "--from '2 March': write a day as YYYY-MM-DD" in capsys.readouterr().err


def test_a_broken_config_is_reported(
    settings: Settings, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.write_text("[queues.support]\ntime_zone = 'Mars/Olympus'\n")
    assert _advise(settings) == 1
    assert "time_zone" in capsys.readouterr().err


def test_a_simulated_check_shows_as_its_own_column(recorded: Settings) -> None:
    # Any check's verdict fills the column: the report in, each interval's figure added.
    args = build_parser().parse_args(
        ["staffing", "advise", "--from", "2026-03-02", "--queue", "support", "--interval", "1h"]
    )
    config = load_config(recorded.config_file)
    (advice,) = build_report(args, config, recorded.database_url, EVENING)

    def check(row: Advice) -> SimulatedCheck:
        return SimulatedCheck(row.needed + 1, 0.83, "reserved agents idle", 0.05, 0.7)

    report = [replace(advice, rows=with_simulated_check(advice.rows, check), simulated=True)]
    lines = text(report).splitlines()
    assert lines[2].endswith("   at plan   simulated")
    assert lines[3].endswith("       68%     7 (83%)")
    assert lines[-1] == "  Mon 02 10:00: simulated 7, formula 6: reserved agents idle"
    assert lines[-3].startswith("  simulated: the fewest agents with which the real line")
    assert json.loads(json.dumps(as_json(report)))["queues"][0]["rows"][0]["simulated"] == {
        "agents": 7,
        "met": True,
        "outcome": 0.83,
        "ci95": 0.05,
        "at_needed": 0.7,
        "note": "reserved agents idle",
        "replications": 0,
    }


def _capped(settings: Settings) -> Settings:
    """At most two callbacks dialled or talking at once, one agent kept for callers on hold."""
    path = settings.config_file
    rules = 'slot_capacity = "auto"\nmax_concurrent_callbacks = 2\nreserve_agents_for_live = 1\n'
    path.write_text(path.read_text().replace('slot_capacity = "auto"\n', rules, 1))
    return settings


def test_simulate_corrects_the_formula_where_the_dial_budget_holds_callbacks_back(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ("--queue", "support", "--interval", "1h", "--target", "60% in 60s", "--simulate")
    assert _advise(_capped(recorded), *options, "--json") == 0
    (queue,) = json.loads(capsys.readouterr().out)["queues"]
    (row,) = queue["rows"]
    check = row["simulated"]
    assert queue["simulated"] is True and row["needed"] == 5
    # The formula's 5 agents leave the real line clearly short of 60% in 60 s: callbacks wait
    # for the cap while agents stand free. The simulation's count meets the goal.
    assert check["met"] and check["agents"] > 5
    assert check["at_needed"] < 0.6 <= check["outcome"]
    assert "the cap on concurrent callbacks" in check["note"]
    assert _advise(recorded, *options) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3].endswith(f"{check['agents']} ({check['outcome']:.0%})")
    start = next(i for i, line in enumerate(lines) if line.startswith("  Mon 02 10:00: "))
    note = " ".join(line.strip() for line in lines[start:])
    assert note == f"Mon 02 10:00: simulated {check['agents']}, formula 5: {check['note']}"


def test_without_simulate_the_formula_answers_alone(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _advise(recorded, "--queue", "support", "--interval", "1h", "--json") == 0
    (queue,) = json.loads(capsys.readouterr().out)["queues"]
    assert queue["simulated"] is False and queue["rows"][0]["simulated"] is None


def test_the_interval_still_running_is_marked(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(
        ["staffing", "advise", "--from", "2026-03-02", "--queue", "support", "--interval", "1h"]
    )
    assert run_advise(args, recorded, MONDAY_10 + timedelta(minutes=30)) == 0
    lines = capsys.readouterr().out.splitlines()
    # Half the hour has passed: 15 callbacks and 15 callers on hold so far.
    assert lines[3].startswith("  Mon 02 10:00*      15         15")
    assert lines[-1] == "  * still running: measured until now"


def test_an_abandonment_goal_reads_as_such_in_the_table(
    recorded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ("--queue", "support", "--abandonment", "5%", "--interval", "1h")
    assert _advise(recorded, *options) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  goal: at most 5% abandoning"
    # 5 agents needed and planned: no change; 4.9% of the callers give up with them.
    assert lines[3].endswith("       5        5       0        5%")
    assert lines[4] == "  at plan: the share abandoning the formula expects with the planned agents"


def test_a_check_without_a_figure_is_null_in_json_and_said_in_the_table(recorded: Settings) -> None:
    args = build_parser().parse_args(
        ["staffing", "advise", "--from", "2026-03-02", "--queue", "support", "--interval", "1h"]
    )
    (advice,) = build_report(
        args, load_config(recorded.config_file), recorded.database_url, EVENING
    )

    def check(row: Advice) -> SimulatedCheck:
        return SimulatedCheck(row.needed, math.nan, "confirms the formula", math.inf, math.nan)

    report = [replace(advice, rows=with_simulated_check(advice.rows, check), simulated=True)]
    assert text(report).splitlines()[3].endswith("6 (nobody)")
    simulated = json.loads(json.dumps(as_json(report), allow_nan=False))["queues"][0]["rows"][0]
    assert simulated["simulated"]["outcome"] is None and simulated["simulated"]["ci95"] is None
