"""Two checkouts measured in the same run: one worker process each, rounds alternating.

A worker is a script run with `--worker DATABASE` and `PYTHONPATH` set to its checkout; it
reads a request count per line on stdin, runs that many requests and prints the process
CPU per request in µs. Rounds alternate the workers (ABBA); the ratio is taken round by
round, so the machine's load on each round weighs on both alike.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _start(script: Path, source: Path, database: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLDLESS_")}
    env["PYTHONPATH"] = str(source)
    command = [sys.executable, str(script.resolve()), "--worker", str(database)]
    return subprocess.Popen(
        command, env=env, cwd=source, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _round(worker: subprocess.Popen[str], count: int) -> float:
    assert worker.stdin is not None and worker.stdout is not None
    try:
        worker.stdin.write(f"{count}\n")
        worker.stdin.flush()
    except BrokenPipeError:
        raise RuntimeError("a worker stopped") from None
    answer = worker.stdout.readline()
    if not answer:
        raise RuntimeError("a worker stopped")
    return float(answer)


def measure(
    script: Path, sources: dict[str, Path], rounds: int, count: int
) -> dict[str, list[float]]:
    """CPU µs per request for each checkout, one figure per round, ABBA."""
    with tempfile.TemporaryDirectory(prefix="holdless-bench-sbs-") as tmp:
        workers = {
            name: _start(script, path, Path(tmp) / f"{i}.db")
            for i, (name, path) in enumerate(sources.items())
        }
        try:
            results: dict[str, list[float]] = {name: [] for name in workers}
            names = list(workers)
            _ = [_round(workers[name], count) for name in names]  # warm-up
            for n in range(rounds):
                for name in names if n % 2 == 0 else reversed(names):
                    results[name].append(_round(workers[name], count))
            return results
        finally:
            for worker in workers.values():
                assert worker.stdin is not None and worker.stdout is not None
                with contextlib.suppress(BrokenPipeError):  # it stopped already
                    worker.stdin.close()
                worker.wait(timeout=60)
                worker.stdout.close()


def report(results: dict[str, list[float]], what: str) -> str:
    """Medians per checkout and, with two, the after/before ratio round by round."""
    lines = []
    for name, figures in results.items():
        rounds = ", ".join(f"{x:.0f}" for x in figures)
        median = statistics.median(figures)
        lines.append(f"{name}: {median:.0f} µs CPU per {what}, median ({rounds})")
    if len(results) == 2:
        after, before = results.values()
        ratios = [a / b for a, b in zip(after, before, strict=True)]
        low, high = min(ratios), max(ratios)
        median = statistics.median(ratios)
        lines.append(f"after / before: {median:.3f} (rounds {low:.3f}-{high:.3f})")
    return "\n".join(lines)
