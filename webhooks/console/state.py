"""What the console is built with: its limits, its password checker, and its stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.requests import Request

from callback.passwords import Passwords
from callback.store.abuse import AbuseStore, Window
from callback.store.audit import AuditStore
from callback.store.users import UserStore
from settings import Settings
from webhooks.console.board import Board
from webhooks.console.dryrun_work import DryRuns
from webhooks.services import services

SCOPE_KEY = "holdless.console"
LOGIN_BY_ACCOUNT, LOGIN_BY_IP = "console-login-account", "console-login-ip"


@dataclass(frozen=True, slots=True)
class ConsoleState:
    """The console's settings, read once when the app is built."""

    passwords: Passwords
    idle: timedelta
    lifetime: timedelta
    login_window: timedelta
    per_account: int
    per_ip: int
    public_origin: str = ""
    """The public base URL's origin (media may come from it)."""
    board: Board = field(default_factory=Board)
    """The wallboard's shared snapshot (one per process)."""
    dry_runs: DryRuns = field(default_factory=DryRuns)
    """Who has a dry run going (one per user), and the lock of the config file's writes."""

    def login_windows(self, name: str, ip: str) -> list[Window]:
        """The sign-in limits a try for `name` from `ip` counts against."""
        return [
            Window(LOGIN_BY_ACCOUNT, name, self.login_window, self.per_account),
            Window(LOGIN_BY_IP, ip, self.login_window, self.per_ip),
        ]


def console_state(settings: Settings, passwords: Passwords | None = None) -> ConsoleState:
    """The console's state from the process settings."""
    return ConsoleState(
        passwords=passwords or Passwords(),
        idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_max_hours),
        login_window=timedelta(minutes=settings.login_window_minutes),
        per_account=settings.login_attempts_per_account,
        per_ip=settings.login_attempts_per_ip,
        public_origin=_origin(str(settings.public_base_url)),
    )


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL, for a CSP source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def state_of(request: Request) -> ConsoleState:
    """The console state the console's middleware put in the request's scope."""
    found: ConsoleState = request.scope[SCOPE_KEY]
    return found


def users(request: Request) -> UserStore:
    """The user store on the app's database."""
    return UserStore(services(request).store.engine)


def audit(request: Request) -> AuditStore:
    """The audit store on the app's database."""
    return AuditStore(services(request).store.engine)


def abuse(request: Request) -> AbuseStore:
    """The shared abuse counters on the app's database (the sign-in limits count there)."""
    return AbuseStore(services(request).store.engine)


def client_ip(request: Request) -> str:
    """The client's address as uvicorn saw it (forwarded only by the trusted proxies)."""
    return request.client.host if request.client is not None else "unknown"
