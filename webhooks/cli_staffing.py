"""`holdless staffing advise`: the agents each interval needed for a goal, beside the plan.

Measured from the database's history (callback.store.history), computed by
callback.advice with Erlang A or C, checked with `--simulate` by simulating the real line
(callback.simulate.check) where callbacks joined, printed as a table or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from callback.advice import Window
from callback.config import ConfigError, SupervisorConfig, load_config, parse_duration
from callback.goals import Goal, GoalError, parse_abandonment, parse_target
from callback.history import Records
from callback.simulate.check import Trials
from callback.store.engine import make_engine
from callback.store.migrate import upgrade
from settings import Settings
from webhooks.cli_users import Commands
from webhooks.staffing_advice import queue_advice, read_windows
from webhooks.staffing_report import QueueAdvice, as_json, text

Loader = Callable[[], Settings]
"""The service level goal without --target: this share within each queue's own target."""
MAX_DAYS = 62
_SHORTEST, _LONGEST = timedelta(minutes=5), timedelta(hours=24)


class Refused(Exception):
    """An option the command cannot use; the message names the flag and the rule."""


def add_staffing_commands(commands: Commands, load: Loader) -> None:
    """Hang the `staffing` group off the command tree; `load` reads the settings."""
    staffing = commands.add_parser("staffing", help="staffing advice").add_subparsers(
        dest="staffing_command", required=True, metavar="STAFFING_COMMAND"
    )
    advise_cmd = staffing.add_parser(
        "advise", help="agents each interval needed (Erlang A/C from the history) beside the plan"
    )
    goal = advise_cmd.add_mutually_exclusive_group()
    goal.add_argument(
        "--target",
        metavar="GOAL",
        help='service level goal, e.g. "80%% in 60s" '
        "(default: 80%% within each queue's service_level_target)",
    )
    goal.add_argument(
        "--abandonment", metavar="SHARE", help='largest share of callers giving up, e.g. "5%%"'
    )
    advise_cmd.add_argument(
        "--queue", metavar="Q", help="one queue (default: every queue of the config)"
    )
    advise_cmd.add_argument(
        "--from",
        dest="first",
        metavar="DATE",
        help="first day of history, YYYY-MM-DD (default: today in each queue's zone)",
    )
    advise_cmd.add_argument(
        "--days", default="1", metavar="N", help=f"days of history, 1-{MAX_DAYS} (default: 1)"
    )
    advise_cmd.add_argument(
        "--interval", default="30m", help="interval length, 5m to 24h (default: 30m)"
    )
    advise_cmd.add_argument(
        "--simulate",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="check each interval callbacks joined by simulating the real line: the fewest "
        "agents that meet the goal there (0.2 to 3 s of one core per such interval; "
        "default: off, the formula alone answers at once)",
    )
    advise_cmd.add_argument("--seed", type=int, default=1, help="the simulation's first seed")
    advise_cmd.add_argument("--json", action="store_true", help="print JSON for machines")
    advise_cmd.set_defaults(run=lambda args: run_advise(args, load(), datetime.now(UTC)))


def run_advise(args: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """Print the advice for the history up to `now`; 1 on a bad config, 2 on a bad option."""
    try:
        config = load_config(settings.config_file)
    except ConfigError as error:
        print(error.text(), file=sys.stderr)
        return 1
    try:
        report = build_report(args, config, settings.database_url, now)
    except (Refused, GoalError) as refusal:
        print(f"staffing advise: {refusal}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(report), indent=2) if args.json else text(report).rstrip("\n"))
    return 0


def build_report(
    args: argparse.Namespace, config: SupervisorConfig, url: str, now: datetime
) -> list[QueueAdvice]:
    """Every queue's advice as the options ask, from the history in the database at `url`."""
    goal, queues = _goal(args), _queues(args, config)
    days, length = _days(args.days), _interval(args.interval)
    windows = {name: Window(_first(args.first, config, name, now), days, length) for name in queues}
    records = _history(url, config, windows, now)
    trials = Trials(seed=args.seed) if args.simulate else None
    return [
        queue_advice(config, name, windows[name], goal, records, now, trials) for name in queues
    ]


def _history(
    url: str, config: SupervisorConfig, windows: dict[str, Window], now: datetime
) -> Records:
    upgrade(url)  # a database no service has run on yet simply has no history
    engine = make_engine(url)
    try:
        return read_windows(engine, config, windows, now)
    finally:
        engine.dispose()


def _goal(args: argparse.Namespace) -> Goal | None:
    if args.target is not None:
        return parse_target(args.target)
    if args.abandonment is not None:
        return parse_abandonment(args.abandonment)
    return None


def _queues(args: argparse.Namespace, config: SupervisorConfig) -> Sequence[str]:
    known = sorted(config.queues)
    if args.queue is None:
        return known
    if args.queue not in config.queues:
        raise Refused(f"--queue {args.queue!r}: not a queue of the config ({', '.join(known)})")
    return [args.queue]


def _first(text: str | None, config: SupervisorConfig, name: str, now: datetime) -> date:
    if text is None:
        return now.astimezone(config.queues[name].zone).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(f"--from {text!r}: write a day as YYYY-MM-DD") from None


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise Refused(f"--days {text!r}: write a whole number of days from 1 to {MAX_DAYS}")
    return int(text)


def _interval(text: str) -> timedelta:
    rule = f"--interval {text!r}: write whole minutes from 5m to 24h, like 15m, 30m or 1h"
    try:
        length = parse_duration(text)
    except ValueError:
        raise Refused(rule) from None
    if not _SHORTEST <= length <= _LONGEST or length.total_seconds() % 60:
        raise Refused(rule)
    return length
