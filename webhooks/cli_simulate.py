"""`holdless simulate`: a dry run of a proposed config beside the current one."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from callback.config import ConfigError, SupervisorConfig, check_file, load_config
from callback.simulate.arrivals import Interval, ProfileError, parse_profile
from callback.simulate.compare import Setup
from callback.simulate.render import chart, text
from callback.simulate.report import as_json, compare
from settings import Settings
from webhooks.cli_users import Commands

Loader = Callable[[], Settings]
History = Callable[[Settings, SupervisorConfig, int], tuple[Interval, ...]]


def add_simulate_command(commands: Commands, load: Loader, history: History) -> None:
    """Hang `simulate` off the command tree; `load` reads the settings, `history` the profile."""
    simulate = commands.add_parser(
        "simulate", help="dry-run a proposed config beside the current one"
    )
    simulate.add_argument("--proposed", required=True, help="the proposed config (TOML)")
    simulate.add_argument("--current", help="the current config (default: the settings' file)")
    simulate.add_argument("--from", dest="start", type=date.fromisoformat, help="first day")
    simulate.add_argument("--days", type=int, default=1)
    simulate.add_argument(
        "--arrivals", default="history", help="'history' (the database) or a forecast CSV"
    )
    simulate.add_argument("--history-days", type=int, default=28, help="days of history read")
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--replications", type=int, default=5)
    simulate.add_argument("--interval", type=int, default=60, help="report interval (minutes)")
    simulate.add_argument("--json", action="store_true", help="print JSON instead of text")
    simulate.add_argument("--chart", help="write an SVG chart to this file")
    simulate.set_defaults(run=lambda args: run_simulate(args, load, history))


def _refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _check_numbers(args: argparse.Namespace) -> str | None:
    if not 1 <= args.days <= 31:
        return "simulate: --days must be within 1..31"
    if not 2 <= args.replications <= 100:
        return "simulate: --replications must be within 2..100"
    if args.interval < 5 or 1440 % args.interval:
        return "simulate: --interval must divide a day into whole intervals of 5 minutes or more"
    return None


def _configs(args: argparse.Namespace, load: Loader) -> tuple[SupervisorConfig, ...] | str:
    checked = check_file(Path(args.proposed))
    if not checked.ok:
        return f"the proposed config is refused:\n{checked.text}"
    current = Path(args.current) if args.current else load().config_file
    try:
        return load_config(current), load_config(Path(args.proposed))
    except ConfigError as error:
        return f"the current config is invalid:\n{error.text()}"


def _profile(
    args: argparse.Namespace, load: Loader, history: History, config: SupervisorConfig
) -> tuple[Interval, ...] | str:
    if args.arrivals == "history":
        found = history(load(), config, args.history_days)
        return found or "simulate: no history in the database yet; pass a forecast CSV"
    try:
        return parse_profile(Path(args.arrivals).read_text(encoding="utf-8"))
    except OSError as error:
        return f"simulate: cannot read {args.arrivals}: {error.strerror}"
    except ProfileError as error:
        return f"{args.arrivals}: {error}"


def run_simulate(args: argparse.Namespace, load: Loader, history: History) -> int:
    """Check the proposal, simulate both configs, print the comparison (0), or refuse (1)."""
    wrong = _check_numbers(args)
    if wrong:
        return _refuse(wrong)
    configs = _configs(args, load)
    if isinstance(configs, str):
        return _refuse(configs)
    current, proposed = configs
    profile = _profile(args, load, history, current)
    if isinstance(profile, str):
        return _refuse(profile)
    start = args.start or datetime.now(UTC).date()
    setup = Setup(profile, start, args.days, args.seed, args.replications, args.interval * 60.0)
    reports = compare(current, proposed, setup)
    if args.json:
        print(json.dumps(as_json(reports, setup), indent=2, allow_nan=False))
    else:
        print(text(reports, setup))
    if args.chart:
        Path(args.chart).write_text(chart(reports), encoding="utf-8")
    return 0
