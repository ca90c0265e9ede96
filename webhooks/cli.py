"""The `holdless` command: serve, migrate the database, check a supervisor config, advise."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pydantic import AnyHttpUrl

from callback.config import ConfigError, SupervisorConfig, check_file, load_config
from callback.simulate.arrivals import Interval
from callback.simulate.history import covered_days, profile
from callback.store.engine import make_engine
from callback.store.history import read_history as stored_history
from callback.store.migrate import upgrade
from scheduler.dispatch_lock import InstanceLock, InstanceLocked, lock_path
from settings import Settings, SettingsError, load_settings
from webhooks.cli_calls import add_calls_commands
from webhooks.cli_demo import add_demo_config_command
from webhooks.cli_simulate import add_simulate_command
from webhooks.cli_staffing import add_staffing_commands
from webhooks.cli_users import add_user_commands
from webhooks.devsite import dev_links
from webhooks.logs import configure_logging, known_secrets

Command = Callable[[argparse.Namespace], int]


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"settings: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate, validate the config, then run uvicorn until interrupted."""
    import uvicorn  # imported here so `config check` stays fast

    from webhooks.app import create_app
    from webhooks.server import server_config

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = _with_local_url(_settings_or_exit().model_copy(update=overrides))
    if (no_carrier := settings.carrier_refusal()) is not None:
        print(f"settings: {no_carrier}", file=sys.stderr)
        return 2
    try:
        config = load_config(settings.config_file)
    except ConfigError as exc:
        print(exc.text(), file=sys.stderr)
        return 1
    configure_logging(settings.log_level, known_secrets(settings, config, os.environ))
    if (refusal := _another_instance(settings)) is not None:
        print(refusal, file=sys.stderr)
        return 1
    upgrade(settings.database_url)
    _announce(settings, config)
    app = create_app(settings)
    # Everything imported and built so far lives as long as the process: moved out of the
    # collector's reach, full collections no longer walk it (they were the latency spikes).
    gc.collect()
    gc.freeze()
    server = uvicorn.Server(server_config(app, settings))
    server.run()
    return 0 if server.started else 1  # a port already taken ends here


def _another_instance(settings: Settings) -> str | None:
    # A clean message before uvicorn starts; the app takes the lock for real in its lifespan.
    path = lock_path(settings.database_url)
    if path is None:
        return None
    probe = InstanceLock(path)
    try:
        probe.acquire()
    except InstanceLocked as refusal:
        return str(refusal)
    probe.release()
    return None


def _with_local_url(settings: Settings) -> Settings:
    # Without a public URL configured, Twilio (or the simulated carrier) reaches us where we
    # listen; signatures are checked against the same URL.
    if "public_base_url" in settings.model_fields_set:
        return settings
    local = AnyHttpUrl(f"http://{settings.host}:{settings.port}")
    return settings.model_copy(update={"public_base_url": local})


def _announce(settings: Settings, config: SupervisorConfig) -> None:
    base = f"http://{settings.host}:{settings.port}"
    carrier = str(settings.carrier)
    if settings.carrier == "simulated":
        carrier += f" ({settings.simulated_traffic_per_minute:g} simulated callers a minute)"
    lines = [
        ("health", f"{base}/healthz"),
        ("queue state", f"{base}/api/v1/queues"),
        ("config file", f"{settings.config_file} (edits apply live)"),
        ("database", settings.database_url.split("@")[-1]),
        ("carrier", carrier),
        *dev_links(settings, config),
        *closed_now(settings, config, datetime.now(UTC)),
    ]
    shown = "\n".join(f"  {name + ':':<14}{value}" for name, value in lines)
    print(f"Holdless is starting on {base}\n{shown}", flush=True)


def closed_now(
    settings: Settings, config: SupervisorConfig, now: datetime
) -> list[tuple[str, str]]:
    """The banner's warning when a simulated run starts with queues closed, and the fix."""
    # A config copied from the example before the demo config existed closes at night.
    closed = [name for name, queue in config.queues.items() if not queue.schedule().is_open(now)]
    if settings.carrier != "simulated" or not closed:
        return []
    fix = f"holdless config demo holdless.example.toml --out {settings.config_file}"
    return [("closed now", f"{', '.join(closed)} (a demo open 24/7: {fix})")]


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the database schema to the newest migration and say what was applied."""
    settings = _settings_or_exit()
    applied = upgrade(settings.database_url)
    if not applied:
        print("database schema already current: no migration to apply")
        return 0
    print(f"applied {len(applied)} migration{'s' if len(applied) > 1 else ''}:")
    for migration in applied:
        print(f"  {migration}")
    return 0


def package_version() -> str:
    """The installed Holdless version."""
    try:
        return version("holdless")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def cmd_config_check(args: argparse.Namespace) -> int:
    """Validate a supervisor config file: 0 and a summary, or 1 and every error."""
    result = check_file(Path(args.file))
    print(result.text, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def read_history(settings: Settings, config: SupervisorConfig, days: int) -> tuple[Interval, ...]:
    """The arrival profile of the last `days` days in the settings' database."""
    engine = make_engine(settings.database_url)
    try:
        until = datetime.now(UTC)
        history = stored_history(engine, until - timedelta(days=days), until)
        return profile(history, config, covered_days(history, until, days), until)
    finally:
        engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    """The command tree; new subcommands hang off `commands`."""
    parser = argparse.ArgumentParser(prog="holdless", description=__doc__)
    parser.add_argument("--version", action="version", version=f"holdless {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="migrate the database and run the service")
    serve.add_argument("--host", help="interface to bind (default from HOLDLESS_HOST)")
    serve.add_argument("--port", type=int, help="port to bind (default from HOLDLESS_PORT)")
    serve.set_defaults(run=cmd_serve)
    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="DB_COMMAND"
    )
    db.add_parser("upgrade", help="apply pending migrations").set_defaults(run=cmd_db_upgrade)
    config = commands.add_parser("config", help="supervisor config").add_subparsers(
        dest="config_command", required=True, metavar="CONFIG_COMMAND"
    )
    check = config.add_parser("check", help="validate a config file")
    check.add_argument("file", help="path to the TOML file")
    check.set_defaults(run=cmd_config_check)
    add_demo_config_command(config)
    add_user_commands(commands, _settings_or_exit)
    add_calls_commands(commands, _settings_or_exit)
    add_simulate_command(commands, _settings_or_exit, read_history)
    add_staffing_commands(commands, _settings_or_exit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `holdless` console script."""
    args = build_parser().parse_args(argv)
    run: Command = args.run
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
