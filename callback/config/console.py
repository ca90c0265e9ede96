"""`[console]`: what the agents' screen offers, such as the disposition codes of wrap-up."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from callback.config.fields import FrozenModel, matching

DEFAULT_DISPOSITIONS = ("resolved", "follow_up", "no_answer_needed", "escalated")
MAX_DISPOSITIONS = 50

DispositionCode = Annotated[
    str,
    AfterValidator(
        matching(
            re.compile(r"[a-z0-9][a-z0-9_-]{0,39}"),
            "a disposition code is 1-40 lower-case letters, digits, '_' or '-'",
        )
    ),
]


def _unique(codes: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"disposition {code!r} is listed twice")
        seen.add(code)
    return codes


class ConsoleConfig(FrozenModel):
    """`[console]`: the disposition codes an agent picks to end wrap-up."""

    dispositions: Annotated[
        tuple[DispositionCode, ...],
        Field(min_length=1, max_length=MAX_DISPOSITIONS),
        AfterValidator(_unique),
    ] = DEFAULT_DISPOSITIONS
