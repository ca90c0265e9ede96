"""`holdless serve` with one failpoint: the dispatcher stops itself between claim and dial.

`python -m chaos.failpoint serve` runs the real CLI. While the file named by
`HOLDLESS_CHAOS_PAUSE_FLAG` exists, the next dial removes it, writes the dial's answer URL
(which names the request) to `<flag>.paused`, and sends SIGSTOP to its own process: the
claim is committed, the REST request not yet sent. That is the worst moment for a pause,
and a SIGSTOP from outside cannot hit it reliably. SIGCONT resumes the dial where it stood.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telephony.client import TwilioTelephony

FLAG_ENV = "HOLDLESS_CHAOS_PAUSE_FLAG"


def paused_marker(flag: Path) -> Path:
    """Where the paused dial's answer URL is written."""
    return flag.with_name(flag.name + ".paused")


def install(flag: Path) -> None:
    """Wrap `TwilioTelephony.place_call` with the pause."""
    original: Callable[..., str] = TwilioTelephony.place_call

    def place_call(self: TwilioTelephony, **kwargs: Any) -> str:
        try:
            flag.unlink()
        except FileNotFoundError:
            return original(self, **kwargs)
        paused_marker(flag).write_text(str(kwargs.get("url", "")))
        # Aimed at this thread, the stop lands before the call returns. `os.kill` on the
        # process lets this thread run on briefly, past the adapter's last clock check:
        # the pause would then fall inside the send, a window no dialler can close.
        signal.pthread_kill(threading.get_ident(), signal.SIGSTOP)
        return original(self, **kwargs)

    setattr(TwilioTelephony, "place_call", place_call)  # noqa: B010  # the failpoint itself


def main() -> int:
    """Install the failpoint, then run the `holdless` command line."""
    from webhooks.cli import main as cli

    install(Path(os.environ[FLAG_ENV]))
    return cli(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
