"""`[api.sites.widget]`: a site's widget branding: colour, corner, texts, proactive prompt."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo

from callback.config.catalogue import from_context
from callback.config.fields import Duration, FrozenModel, ReadOnlyMap, at_least, matching

BUTTON_MAX = 40
TITLE_MAX = 80
PROACTIVE_MAX = timedelta(hours=1)

_HEX_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{3}){1,2}")


class WidgetPosition(StrEnum):
    """Where the widget sits: a bottom corner (mirrored for right-to-left) or in the page."""

    BOTTOM_RIGHT = "bottom-right"
    BOTTOM_LEFT = "bottom-left"
    INLINE = "inline"


def _short_text(what: str, limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = value.strip()
        if not 1 <= len(text) <= limit:
            raise ValueError(f"{what} is 1-{limit} characters, got {len(text)}")
        if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in text):
            raise ValueError(f"{what} is one line of plain text, without control characters")
        return text

    return check


def _within_an_hour(value: timedelta) -> timedelta:
    if value > PROACTIVE_MAX:
        raise ValueError("must be at most 1h: a prompt after that is never seen")
    return value


Colour = Annotated[
    str,
    AfterValidator(matching(_HEX_COLOUR, "a colour is '#rgb' or '#rrggbb', like '#1a56db'")),
    AfterValidator(str.lower),
]
ButtonText = Annotated[str, AfterValidator(_short_text("a button text", BUTTON_MAX))]
TitleText = Annotated[str, AfterValidator(_short_text("a heading", TITLE_MAX))]
ProactiveDelay = Annotated[
    Duration, at_least(timedelta(seconds=1)), AfterValidator(_within_an_hour)
]


class WidgetTexts(FrozenModel):
    """The launcher and submit button's text and the form's heading in one language."""

    button: ButtonText | None = None
    title: TitleText | None = None


def _web_language(code: str, info: ValidationInfo) -> str:
    offered = from_context(info.context).web_languages
    if code not in offered:
        raise ValueError(f"the widget speaks {', '.join(offered)}; {code!r} is not one of them")
    return code


WebLanguage = Annotated[str, AfterValidator(_web_language)]
"""A language of the prompt catalogue that has the widget's texts."""


class WidgetStyle(FrozenModel):
    """A site's `widget` table; attributes on the script tag override each key."""

    color: Colour | None = None
    """The brand colour of buttons and borders; unset: the built-in blue."""
    position: WidgetPosition = WidgetPosition.BOTTOM_RIGHT
    proactive_after: ProactiveDelay | None = None
    """Offer a callback after this long on the page; unset: never."""
    texts: ReadOnlyMap[WebLanguage, WidgetTexts] = Field(default_factory=dict)
    """Own texts by language; a language left out keeps the catalogue's."""
