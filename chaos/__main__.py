"""`python -m chaos`: every fault-injection scenario, a figures table, exit 1 on any failure."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

from chaos.pg import Cluster, running_cluster
from chaos.report import Figures, table
from chaos.scenarios import SMALL, Sizes, kills, pg_restarts, sqlite_burst
from chaos.stale import stale_dial
from chaos.throughput import measure

Scenario = Callable[[Cluster, Sizes], Awaitable[list[Figures]]]


async def _kills(cluster: Cluster, sizes: Sizes) -> list[Figures]:
    return [await kills(cluster, sizes.kills, sizes.held)]


async def _pg(cluster: Cluster, sizes: Sizes) -> list[Figures]:
    return [await pg_restarts(cluster, sizes.pg_restarts)]


async def _stale(cluster: Cluster, sizes: Sizes) -> list[Figures]:
    return [await stale_dial(cluster, sizes.stale)]


async def _sqlite(cluster: Cluster, sizes: Sizes) -> list[Figures]:
    return [await sqlite_burst(sizes.sqlite_burst)]


async def _throughput(cluster: Cluster, sizes: Sizes) -> list[Figures]:
    found = []
    for instances in (1, 2):
        _, figures = await measure(cluster, instances, sizes.throughput)
        found.append(figures)
    return found


SCENARIOS: dict[str, Scenario] = {
    "kills": _kills,
    "stale": _stale,
    "sqlite": _sqlite,
    "throughput": _throughput,
    "pg": _pg,  # last: it makes the shared cluster durable (and slower) for good
}


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def run(names: Sequence[str], sizes: Sizes) -> list[Figures]:
    """Run the named scenarios in the suite's order on one throwaway PostgreSQL cluster."""
    found: list[Figures] = []
    with running_cluster() as cluster:
        for name in [known for known in SCENARIOS if known in names]:
            started = time.monotonic()
            _say(f"== {name} ...")
            figures = await SCENARIOS[name](cluster, sizes)
            for f in figures:
                verdict = "pass" if f.passed else "FAIL: " + "; ".join(f.failures)
                _say(f"   {f.scenario}: {verdict} ({time.monotonic() - started:.0f} s)")
                if f.notes:
                    _say(f"   {f.notes}")
            found.extend(figures)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run, print the table; 0 when every scenario passed."""
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(SCENARIOS), help="repeatable")
    parser.add_argument("--small", action="store_true", help="fewer callbacks: a quick run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    names = args.only or list(SCENARIOS)
    figures = asyncio.run(run(names, SMALL if args.small else Sizes()))
    _say("\n" + table(figures))
    return 0 if all(f.passed for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
