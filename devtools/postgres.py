"""A throwaway PostgreSQL cluster for the store's tests and benchmarks.

`start_cluster()` runs `initdb` and `pg_ctl` from the PostgreSQL server binaries into a fresh
temporary directory (as the `postgres` user when running as root, since PostgreSQL refuses to
run as root), tuned for speed over durability; `stop_cluster()` stops it and removes everything.
Missing binaries are an error, never a reason to skip.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_USER = "postgres"
INSTALLED = Path("/usr/lib/postgresql")
"""Where Debian and Ubuntu put each server version's binaries (`<version>/bin`)."""
_START_TRIES = 3
SETTINGS = (
    ("listen_addresses", "'127.0.0.1'"),
    ("fsync", "off"),
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
    ("max_connections", "100"),
    ("log_min_messages", "warning"),
)
"""Speed over durability: nothing in a throwaway cluster needs to survive a crash."""


class HarnessError(RuntimeError):
    """The throwaway cluster could not be set up."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A running throwaway cluster, reachable over TCP on 127.0.0.1 without a password."""

    root: Path
    port: int
    bin_dir: Path

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for `database` on this cluster (psycopg 3 driver)."""
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        """A libpq connection string for `database` on this cluster."""
        return f"host=127.0.0.1 port={self.port} user={SERVER_USER} dbname={database}"


def find_bin_dir(installed: Path = INSTALLED) -> Path:
    """The directory holding initdb, pg_ctl and postgres; HarnessError when there is none."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(installed.glob("*/bin"), reverse=True)
    for directory in candidates:
        if all((directory / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return directory
    raise HarnessError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in "
        "/usr/lib/postgresql/*/bin; install the PostgreSQL server package to run these tests"
    )


def _as_server_user(command: Sequence[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return list(command)


def _run(command: Sequence[str]) -> None:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise HarnessError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def _make_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="holdless-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(root, user.pw_uid, user.pw_gid)
    return root


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _write_settings(cluster: Cluster) -> None:
    settings = (*SETTINGS, ("unix_socket_directories", f"'{cluster.root}'"))
    lines = "".join(f"{name} = {value}\n" for name, value in settings)
    # Appending keeps the file's owner (the server user) even when written as root.
    with (cluster.data_dir / "postgresql.conf").open("a") as conf:
        conf.write(lines)


def _pg_ctl(cluster: Cluster, *arguments: str) -> None:
    _run([str(cluster.bin_dir / "pg_ctl"), "-D", str(cluster.data_dir), *arguments])


def _start(cluster: Cluster, tries: int = _START_TRIES) -> Cluster:
    log = cluster.root / "server.log"
    log.unlink(missing_ok=True)
    try:
        _pg_ctl(cluster, "-l", str(log), "-o", f"-p {cluster.port}", "-w", "start")
    except HarnessError as error:
        detail = log.read_text() if log.exists() else ""
        if tries > 1 and "could not bind" in detail:
            # Another process took the free port between our probe and the server's bind.
            return _start(dataclasses.replace(cluster, port=_free_port()), tries - 1)
        raise HarnessError(f"{error}\nserver log:\n{detail}") from error
    return cluster


def start_cluster() -> Cluster:
    """Create and start a fresh cluster in a temporary directory."""
    bin_dir = find_bin_dir()
    cluster = Cluster(root=_make_root(), port=_free_port(), bin_dir=bin_dir)
    initdb = [str(bin_dir / "initdb"), "-D", str(cluster.data_dir), "--auth=trust"]
    try:
        _run([*initdb, "-U", SERVER_USER, "-E", "UTF8", "--locale=C", "--no-sync"])
        _write_settings(cluster)
        return _start(cluster)
    except BaseException:
        shutil.rmtree(cluster.root, ignore_errors=True)
        raise


def stop_cluster(cluster: Cluster) -> None:
    """Stop the cluster at once (no checkpoint: nothing is kept) and remove its directory."""
    try:
        _pg_ctl(cluster, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(cluster.root, ignore_errors=True)


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """A cluster for the duration of a `with` block."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


def create_database(cluster: Cluster, name: str, template: str | None = None) -> str:
    """Create `name` (a copy of `template` if given) and return its SQLAlchemy URL."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
    with psycopg.connect(cluster.conninfo(), autocommit=True) as connection:
        connection.execute(statement)
    return cluster.url(name)


def drop_database(cluster: Cluster, name: str) -> None:
    """Drop `name`, disconnecting anyone still connected to it."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(cluster.conninfo(), autocommit=True) as connection:
        connection.execute(statement)
