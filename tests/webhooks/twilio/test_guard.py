"""Where a webhook handler runs: on the loop for embedded SQLite, in a thread otherwise."""

from __future__ import annotations

import asyncio
import threading

from webhooks.twilio.guard import run_handler
from webhooks.twilio.turn import Turn


def _where(inline: bool) -> tuple[int, int]:
    ran_on: list[int] = []

    def handler(turn: Turn) -> str:
        ran_on.append(threading.get_ident())
        return "<Response/>"

    async def main() -> tuple[int, str | None]:
        reply = await run_handler(handler, None, inline=inline)  # type: ignore[arg-type]
        return threading.get_ident(), reply

    loop_thread, reply = asyncio.run(main())
    assert reply == "<Response/>"
    return loop_thread, ran_on[0]


def test_an_inline_handler_runs_on_the_event_loop() -> None:
    loop_thread, handler_thread = _where(inline=True)
    assert handler_thread == loop_thread


def test_a_threaded_handler_leaves_the_event_loop_free() -> None:
    loop_thread, handler_thread = _where(inline=False)
    assert handler_thread != loop_thread
