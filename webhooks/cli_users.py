"""`holdless user add|passwd|disable`: the console's users, managed from the command line.

A password is read from a prompt (twice, not echoed) or from standard input with
`--password-stdin`; never from the command line, where other users of the host and the
shell history would see it. There is no default password.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from callback.config import ConfigError, load_config
from callback.passwords import Passwords, WeakPassword
from callback.store.audit import AuditStore
from callback.store.engine import make_engine
from callback.store.migrate import upgrade
from callback.store.users import Role, UnknownUser, UserExists, UserStore
from settings import Settings

Loader = Callable[[], Settings]
ACTOR = "cli"


class Refused(Exception):
    """The command cannot do what was asked; the message says why."""


class Commands(Protocol):
    """The part of argparse's subcommand object used here."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """A new subcommand's parser."""
        ...


def add_user_commands(commands: Commands, load: Loader) -> None:
    """Hang the `user` group off the command tree; `load` reads the settings."""
    user = commands.add_parser("user", help="console users").add_subparsers(
        dest="user_command", required=True, metavar="USER_COMMAND"
    )
    add = user.add_parser("add", help="create a console user")
    add.add_argument("name", help="the sign-in name (lower case)")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--agent", help="the roster agent id an agent user signs in as")
    _password_source(add)
    add.set_defaults(run=lambda args: _run(args, load, _add))
    passwd = user.add_parser("passwd", help="set a user's password (ends their sessions)")
    passwd.add_argument("name")
    _password_source(passwd)
    passwd.set_defaults(run=lambda args: _run(args, load, _passwd))
    disable = user.add_parser("disable", help="stop a user signing in (ends their sessions)")
    disable.add_argument("name")
    disable.set_defaults(run=lambda args: _run(args, load, _disable))


def _password_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )


def _run(
    args: argparse.Namespace, load: Loader, action: Callable[[argparse.Namespace, Settings], str]
) -> int:
    settings = load()
    try:
        print(action(args, settings))
    except Refused as refusal:
        print(f"user: {refusal}", file=sys.stderr)
        return 1
    return 0


def _stores(settings: Settings) -> tuple[UserStore, AuditStore]:
    upgrade(settings.database_url)  # the first user may come before the first serve
    engine = make_engine(settings.database_url)
    return UserStore(engine), AuditStore(engine)


def read_password(from_stdin: bool) -> str:
    """The new password from standard input's first line, or typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise Refused("the two passwords differ; nothing changed")
    return first


def _hashed(args: argparse.Namespace) -> str:
    try:
        return Passwords().hash(read_password(args.password_stdin))
    except WeakPassword as weak:
        raise Refused(f"{weak}; nothing changed") from None


def _agent(args: argparse.Namespace, settings: Settings) -> str | None:
    role = Role(args.role)
    if role is not Role.AGENT:
        if args.agent is not None:
            raise Refused("--agent is only for --role agent")
        return None
    if args.agent is None:
        raise Refused("an agent user needs --agent with their roster agent id")
    try:
        roster = {agent.id for agent in load_config(settings.config_file).agents}
    except ConfigError as error:
        raise Refused(f"cannot read the config to check the agent: {error}") from None
    if args.agent not in roster:
        known = ", ".join(sorted(roster)) or "none"
        raise Refused(f"no agent {args.agent!r} in the roster of {settings.config_file} ({known})")
    return str(args.agent)


def _name(raw: str) -> str:
    name = raw.strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._@-" for c in name):
        raise Refused("a name is 1-64 letters, digits, '.', '_', '@' or '-'")
    return name


def _add(args: argparse.Namespace, settings: Settings) -> str:
    name, agent = _name(args.name), _agent(args, settings)
    users, audit = _stores(settings)
    if users.by_name(name) is not None:
        raise Refused(f"there is already a user {name!r}")
    password_hash, now = _hashed(args), datetime.now(UTC)
    try:
        users.add(name, Role(args.role), agent, password_hash, now)
    except UserExists:
        raise Refused(f"there is already a user {name!r}") from None
    detail = f"user={name} role={args.role}" + (f" agent={agent}" if agent else "")
    audit.record(ACTOR, "user-add", detail, now)
    return f"added {args.role} {name!r}" + (f" (agent {agent})" if agent else "")


def _passwd(args: argparse.Namespace, settings: Settings) -> str:
    name = _name(args.name)
    users, audit = _stores(settings)
    if users.by_name(name) is None:
        raise Refused(f"there is no user {name!r}")
    password_hash, now = _hashed(args), datetime.now(UTC)
    try:
        users.set_password(name, password_hash, now)
    except UnknownUser:
        raise Refused(f"there is no user {name!r}") from None
    audit.record(ACTOR, "user-passwd", f"user={name}", now)
    return f"new password set for {name!r}; their sessions have ended"


def _disable(args: argparse.Namespace, settings: Settings) -> str:
    name, now = _name(args.name), datetime.now(UTC)
    users, audit = _stores(settings)
    try:
        users.disable(name, now)
    except UnknownUser:
        raise Refused(f"there is no user {name!r}") from None
    audit.record(ACTOR, "user-disable", f"user={name}", now)
    return f"disabled {name!r}; they can no longer sign in"
