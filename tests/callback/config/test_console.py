"""`[console]`: the disposition codes that end an agent's wrap-up."""

from __future__ import annotations

import pytest

from callback.config.console import DEFAULT_DISPOSITIONS, MAX_DISPOSITIONS
from tests.callback.config.snippets import build, issues


def test_without_the_table_the_default_codes_apply() -> None:
    assert build().console.dispositions == DEFAULT_DISPOSITIONS


def test_the_codes_are_read_in_their_order() -> None:
    found = build('[console]\ndispositions = ["sale", "no-sale", "callback_2"]').console
    assert found.dispositions == ("sale", "no-sale", "callback_2")


@pytest.mark.parametrize("code", ["Sale", "", "two words", "-lead", "x" * 41, "vente✓"])
def test_a_code_that_is_not_a_plain_token_is_refused_at_its_key(code: str) -> None:
    rule = f"a disposition code is 1-40 lower-case letters, digits, '_' or '-', got {code!r}"
    assert issues(f'[console]\ndispositions = ["ok", "{code}"]') == [
        ("console.dispositions[1]", rule)
    ]


def test_a_code_listed_twice_is_refused() -> None:
    found = issues('[console]\ndispositions = ["sale", "lost", "sale"]')
    assert found == [("console.dispositions", "disposition 'sale' is listed twice")]


@pytest.mark.parametrize("count", [0, MAX_DISPOSITIONS + 1])
def test_the_list_holds_one_to_fifty_codes(count: int) -> None:
    codes = ", ".join(f'"c{n}"' for n in range(count))
    [(where, rule)] = issues(f"[console]\ndispositions = [{codes}]")
    assert where == "console.dispositions"
    assert ("at least 1" in rule) if count == 0 else ("at most 50" in rule)


def test_an_unknown_key_is_refused() -> None:
    [(where, _rule)] = issues('[console]\ncodes = ["sale"]')
    assert where == "console.codes"
