"""Run every benchmark: `make bench` (or `python -m bench [--quick]`)."""

from __future__ import annotations

import sys

from bench import (
    api_create,
    dispatch_latency,
    estimate,
    estimate_accuracy,
    forecast,
    group_commit,
    hold_wait,
    queue_ops,
    simulate,
    webhook,
    webhook_cpu,
)


def main() -> None:
    """Each benchmark prints its own table; figures go to BENCHMARKS.md by hand with the command."""
    quick = "--quick" in sys.argv[1:]
    estimate.main()
    forecast.main(["--quick"] if quick else [])
    estimate_accuracy.main(["--quick"] if quick else [])
    queue_ops.main(["--quick"] if quick else [])
    group_commit.main(["--quick"] if quick else [])
    webhook.main(["--quick"] if quick else [])
    webhook_cpu.main(["--quick"] if quick else [])
    hold_wait.main(["--quick"] if quick else [])
    dispatch_latency.main(["--quick"] if quick else [])
    api_create.main(["--quick"] if quick else [])
    simulate.main(["--quick"] if quick else [])


if __name__ == "__main__":
    main()
