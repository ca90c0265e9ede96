"""The throwaway PostgreSQL cluster of the store tests, plus a crash restart for chaos."""

from __future__ import annotations

import os
import subprocess

import psycopg

from devtools.postgres import SERVER_USER, Cluster, HarnessError, create_database
from devtools.postgres import running_cluster as running_cluster

__all__ = ["Cluster", "create_database", "durable", "immediate_restart", "running_cluster"]

DURABLE = ("fsync", "synchronous_commit", "full_page_writes")
"""Off in the throwaway cluster for speed; a crash then loses acknowledged commits, which
would be the harness's doing, not the app's."""


def durable(cluster: Cluster) -> None:
    """Make every acknowledged commit survive a crash (no restart needed)."""
    with psycopg.connect(cluster.conninfo(), autocommit=True) as connection:
        for name in DURABLE:
            connection.execute(f"ALTER SYSTEM SET {name} = on")
        connection.execute("SELECT pg_reload_conf()")


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def immediate_restart(cluster: Cluster) -> None:
    """`pg_ctl -m immediate restart`: the server dies without a checkpoint, then recovers."""
    log = cluster.root / "server.log"
    command = [
        str(cluster.bin_dir / "pg_ctl"),
        "-D",
        str(cluster.data_dir),
        "-l",
        str(log),
        "-o",
        f"-p {cluster.port}",
        "-m",
        "immediate",
        "-w",
        "restart",
    ]
    result = subprocess.run(  # noqa: S603  # fixed arguments, the cluster's own binaries
        _as_server_user(command), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise HarnessError(f"pg_ctl restart failed:\n{result.stdout}\n{result.stderr}")
