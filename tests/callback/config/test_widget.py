"""A site's `widget` table: brand colour, corner, texts per language, proactive delay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callback.config.widget import WidgetPosition, WidgetStyle, WidgetTexts
from tests.callback.config.snippets import build, issues

SITE = """
[[api.sites]]
id = "www"
key_sha256 = "{digest}"
origins = ["https://www.example.com"]
""".format(digest="ab" * 32)
WHERE = "api.sites[0].widget"


def widget(table: str) -> str:
    """The minimal config with one site whose `widget` table is `table`."""
    return SITE + "[api.sites.widget]\n" + table


def test_a_site_without_a_widget_table_keeps_the_built_in_look() -> None:
    style = build(SITE).api.sites[0].widget
    assert style == WidgetStyle()
    assert (style.color, style.position, style.proactive_after) == (
        None,
        WidgetPosition.BOTTOM_RIGHT,
        None,
    )
    assert style.texts == {}


def test_every_key_is_read() -> None:
    style = (
        build(
            widget(
                'color = "#0A7D33"\nposition = "inline"\nproactive_after = "45s"\n'
                'texts.is = { button = "  Hringið í mig  ", title = "Við hringjum" }\n'
                'texts.fa.button = "با من تماس بگیرید"\n'
            )
        )
        .api.sites[0]
        .widget
    )
    assert style.color == "#0a7d33"  # one spelling, whatever case the file used
    assert style.position is WidgetPosition.INLINE
    assert style.proactive_after == timedelta(seconds=45)
    assert style.texts == {
        "fa": WidgetTexts(button="با من تماس بگیرید"),
        "is": WidgetTexts(button="Hringið í mig", title="Við hringjum"),
    }


@pytest.mark.parametrize("colour", ["#abc", "#A0B1C2", "#000000"])
def test_hex_colours_are_accepted(colour: str) -> None:
    assert build(widget(f'color = "{colour}"')).api.sites[0].widget.color == colour.lower()


@pytest.mark.parametrize(
    "colour", ["blue", "#abcd", "#12345g", "abc", "#1234567", "rgb(0,0,0)", "#fff;}"]
)
def test_other_colours_are_refused_at_their_key(colour: str) -> None:
    rule = f"a colour is '#rgb' or '#rrggbb', like '#1a56db', got {colour!r}"
    assert issues(widget(f'color = "{colour}"')) == [(f"{WHERE}.color", rule)]


def test_position_is_a_corner_or_inline() -> None:
    found = issues(widget('position = "top-left"'))
    assert [location for location, _ in found] == [f"{WHERE}.position"]
    assert "'bottom-right', 'bottom-left' or 'inline'" in found[0][1]


@pytest.mark.parametrize(
    ("table", "key", "rule"),
    [
        (
            f'texts.en.button = "{"x" * 41}"',
            "texts.en.button",
            "a button text is 1-40 characters, got 41",
        ),
        ('texts.ru.button = "   "', "texts.ru.button", "a button text is 1-40 characters, got 0"),
        (
            f'texts.fa.title = "{"ت" * 81}"',
            "texts.fa.title",
            "a heading is 1-80 characters, got 81",
        ),
        (
            'texts.is.title = "Halló\\nheimur"',
            "texts.is.title",
            "a heading is one line of plain text, without control characters",
        ),
        (
            'texts.en.button = "Call\\u202eme"',  # a right-to-left override hides what it says
            "texts.en.button",
            "a button text is one line of plain text, without control characters",
        ),
        (
            'texts.de.button = "Rückruf"',
            "texts.de",
            "the widget speaks en, fa, is, ru; 'de' is not one of them",
        ),
        ('texts.en.label = "Call"', "texts.en.label", "unknown key"),
    ],
)
def test_texts_are_checked_at_their_key(table: str, key: str, rule: str) -> None:
    assert issues(widget(table)) == [(f"{WHERE}.{key}", rule)]


def test_limits_hold_exactly_at_their_edges() -> None:
    style = (
        build(widget(f'texts.en = {{ button = "{"b" * 40}", title = "{"t" * 80}" }}'))
        .api.sites[0]
        .widget
    )
    assert style.texts["en"] == WidgetTexts(button="b" * 40, title="t" * 80)


@pytest.mark.parametrize(
    ("delay", "rule"),
    [
        ('"0s"', "must be at least 1s"),
        ('"61m"', "must be at most 1h: a prompt after that is never seen"),
    ],
)
def test_proactive_delay_is_between_a_second_and_an_hour(delay: str, rule: str) -> None:
    assert issues(widget(f"proactive_after = {delay}")) == [(f"{WHERE}.proactive_after", rule)]


def test_every_broken_rule_of_several_sites_is_named() -> None:
    second = SITE.replace('"www"', '"shop"') + '[api.sites.widget]\ncolor = "red"\n'
    found = issues(widget('position = "middle"\n') + second)
    assert [location for location, _ in found] == [
        "api.sites[0].widget.position",
        "api.sites[1].widget.color",
    ]
