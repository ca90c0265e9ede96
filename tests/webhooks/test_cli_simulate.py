"""`holdless simulate`: the worked example of the README, and what the command refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update

from callback.store.engine import make_engine, write_transaction
from callback.store.tables import REQUEST
from tests.callback.store.test_history import request_row
from webhooks.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "simulate"
SHORT = "queue,start,end,channel,offered,handle_s,patience_s,callback_share,no_answer,machine\n"
SHORT += "".join(
    f"support,{hour}:00,{hour + 1}:00,phone,140,270,240,0.5,0.15,0.05\n" for hour in (11, 12, 13)
)


def _args(tmp_path: Path, *extra: str) -> list[str]:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(SHORT)
    base = ["simulate", "--current", str(DOCS / "current.toml")]
    base += ["--arrivals", str(forecast), "--from", "2026-12-08", "--replications", "3"]
    return [*base, *extra]


def test_the_comparison_is_printed_with_its_verdict_and_charted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svg = tmp_path / "out.svg"
    args = _args(tmp_path, "--proposed", str(DOCS / "proposed.toml"), "--chart", str(svg))
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "queue support: proposed: service level" in out
    assert "\n12:00 " in out
    assert svg.read_text().startswith("<svg")


def test_json_for_machines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _args(tmp_path, "--proposed", str(DOCS / "current.toml"), "--json")
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    (queue,) = data["queues"]
    assert queue["verdict"] == "proposed: no difference beyond noise"
    assert queue["current"] == queue["proposed"]
    assert data["replications"] == 3


def test_an_invalid_proposal_is_refused_by_the_config_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "proposed.toml"
    text = (DOCS / "proposed.toml").read_text()
    broken.write_text(text.replace("reserve_agents_for_live = 1", "reserve_agents_for_live = -1"))
    assert main(_args(tmp_path, "--proposed", str(broken))) == 1
    err = capsys.readouterr().err
    assert err.startswith("the proposed config is refused:")
    assert "reserve_agents_for_live" in err


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--days", "0"], "--days must be within 1..31"),
        (["--replications", "1"], "--replications must be within 2..100"),
        (["--interval", "7"], "--interval must divide a day"),
        (["--arrivals", "/nonexistent.csv"], "cannot read /nonexistent.csv"),
    ],
)
def test_wrong_arguments_are_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], says: str
) -> None:
    args = _args(tmp_path, "--proposed", str(DOCS / "proposed.toml"), *extra)
    assert main(args) == 1
    assert says in capsys.readouterr().err


def test_a_wrong_forecast_row_is_refused_naming_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(SHORT.replace("0.5,", "2,", 1))
    args = _args(tmp_path, "--proposed", str(DOCS / "proposed.toml"), "--arrivals", str(bad))
    assert main(args) == 1
    assert f"{bad}: line 2: callback_share must be within 0..1" in capsys.readouterr().err


def test_history_arrivals_from_an_empty_database_are_refused_with_the_way_out(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOLDLESS_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("HOLDLESS_CONFIG_FILE", str(DOCS / "current.toml"))
    args = ["simulate", "--proposed", str(DOCS / "proposed.toml"), "--arrivals", "history"]
    assert main(args) == 1
    assert "no history in the database yet; pass a forecast CSV" in capsys.readouterr().err


def test_history_arrivals_read_the_recent_days_of_the_database(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(sqlite_url)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    rows = [request_row(n, 0.0, "web") | {"queue": "support"} for n in range(1, 4)]
    with write_transaction(engine) as connection:
        connection.execute(insert(REQUEST), rows)
        connection.execute(update(REQUEST).values(created_at=an_hour_ago))
    engine.dispose()
    monkeypatch.setenv("HOLDLESS_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("HOLDLESS_CONFIG_FILE", str(DOCS / "current.toml"))
    local = an_hour_ago.astimezone(ZoneInfo("Europe/London"))
    same_weekday = (local.date() + timedelta(days=7)).isoformat()
    args = ["simulate", "--proposed", str(DOCS / "current.toml"), "--json"]
    assert main([*args, "--from", same_weekday, "--replications", "2"]) == 0
    (queue,) = json.loads(capsys.readouterr().out)["queues"]
    hour = f"{local.hour:02}:00"
    offered = {row["start"]: row["current"]["offered"]["mean"] for row in queue["intervals"]}
    assert 0 < offered[hour] < 10  # three a day, Poisson
    assert sum(offered.values()) == offered[hour]
