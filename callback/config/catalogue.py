"""The prompt catalogue: the one list of languages, with what each says and shows.

Each `prompts/<code>.toml` is one language: the IVR's and SMS texts (`[prompts]`) and the web
widget's and hosted page's (`[web]`). Adding a file adds the language everywhere: the IVR, the
config's checks, the widget and the hosted page.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Literal

from callback.config.issues import ConfigIssue, key_path
from callback.config.sections import PromptPack

Direction = Literal["ltr", "rtl"]
REFERENCE = "en"
"""The language every other one is checked against."""


def placeholders(text: str) -> frozenset[str]:
    """The `{name}` placeholders of `text`; refuses positional, indexed or formatted ones."""
    names = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(f"unbalanced braces: {error}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholders are plain names like {{company}}, got {{{name}}}")
        names.add(name)
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the catalogue and how Twilio should speak it."""

    code: str
    name: str
    say_language: str
    direction: Direction
    prompts: Mapping[str, str] = field(hash=False)
    web: Mapping[str, str] = field(default_factory=dict, hash=False)
    """The widget's and hosted page's texts; none for a language added by a config pack."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "prompts", MappingProxyType(dict(self.prompts)))
        object.__setattr__(self, "web", MappingProxyType(dict(self.web)))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All languages, each a complete set of prompts with the reference's placeholders."""

    languages: Mapping[str, Language] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", MappingProxyType(dict(self.languages)))

    @property
    def keys(self) -> frozenset[str]:
        """The prompt keys every language must have."""
        return frozenset(self.languages[REFERENCE].prompts)

    @property
    def web_languages(self) -> tuple[str, ...]:
        """The languages with every web text, the reference first: what browsers are offered."""
        wanted = set(self.languages[REFERENCE].web)
        found = [code for code, language in self.languages.items() if set(language.web) == wanted]
        return tuple(sorted(found, key=lambda code: (code != REFERENCE, code)))

    def language(self, code: str) -> Language:
        """The language `code`; KeyError when the catalogue has none."""
        return self.languages[code]

    def text(self, code: str, key: str) -> str:
        """The unfilled prompt `key` in language `code`."""
        return self.languages[code].prompts[key]

    def render(self, code: str, key: str, /, **values: object) -> str:
        """Prompt `key` in language `code` with its placeholders filled from `values`."""
        return self.text(code, key).format_map(values)

    def with_packs(self, packs: Mapping[str, PromptPack]) -> Catalogue:
        """This catalogue with `[prompts.<lang>]` overrides and new languages applied."""
        languages = dict(self.languages)
        for code, pack in packs.items():
            languages[code] = _apply(languages.get(code), code, pack)
        return Catalogue(languages)


def _apply(base: Language | None, code: str, pack: PromptPack) -> Language:
    if base is None:
        base = Language(code, code, code, "ltr", {})
    return replace(
        base,
        name=pack.name or base.name,
        say_language=pack.say_language or base.say_language,
        direction=pack.direction or base.direction,
        prompts={**base.prompts, **pack.text},
    )


def _read_language(code: str, data: Mapping[str, object]) -> Language:
    meta, prompts, web = data.get("meta"), data.get("prompts"), data.get("web")
    if not isinstance(meta, dict) or not isinstance(prompts, dict) or not isinstance(web, dict):
        raise TypeError(f"prompts/{code}.toml needs [meta], [prompts] and [web] tables")
    direction: Direction = "rtl" if meta["direction"] == "rtl" else "ltr"
    return Language(code, str(meta["name"]), str(meta["say_language"]), direction, prompts, web)


def load_catalogue(folder: Traversable) -> Catalogue:
    """Every `<code>.toml` in `folder`, one language each, by code."""
    files = sorted(
        (item for item in folder.iterdir() if item.name.endswith(".toml")),
        key=lambda item: item.name,
    )
    languages = {}
    for item in files:
        code = item.name.removesuffix(".toml")
        languages[code] = _read_language(code, tomllib.loads(item.read_text(encoding="utf-8")))
    if REFERENCE not in languages:
        raise ValueError(f"a prompt catalogue needs the reference language, {REFERENCE}")
    return Catalogue(languages)


@cache
def builtin_catalogue() -> Catalogue:
    """The shipped languages, read once from the package's `prompts/*.toml` (immutable)."""
    return load_catalogue(resources.files("callback.config.prompts"))


def from_context(context: object) -> Catalogue:
    """The catalogue a config is validated against: the validation context's, else the shipped."""
    given = context.get("catalogue") if isinstance(context, Mapping) else None
    return given if isinstance(given, Catalogue) else builtin_catalogue()


def shipped() -> tuple[str, ...]:
    """The codes of the shipped languages, sorted."""
    return tuple(sorted(builtin_catalogue().languages))


def text_issues(
    reference: Mapping[str, str], prompts: Mapping[str, str], where: tuple[str | int, ...]
) -> Iterator[ConfigIssue]:
    """Unknown keys and placeholder mismatches of `prompts` against `reference`."""
    for key, text in prompts.items():
        location = key_path((*where, key))
        if key not in reference:
            yield ConfigIssue(location, "unknown prompt key")
            continue
        if not text.strip():
            yield ConfigIssue(location, "a prompt cannot be empty")
            continue
        try:
            found = placeholders(text)
        except ValueError as error:
            yield ConfigIssue(location, str(error))
            continue
        expected = placeholders(reference[key])
        if found != expected:
            yield ConfigIssue(location, _mismatch(expected, found))


def _mismatch(expected: frozenset[str], found: frozenset[str]) -> str:
    def shown(names: frozenset[str]) -> str:
        return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"

    return f"placeholders must be exactly those of English ({shown(expected)}); got {shown(found)}"


def missing_keys(reference: Mapping[str, str], prompts: Mapping[str, str]) -> list[str]:
    """Keys of `reference` that `prompts` lacks, sorted."""
    return sorted(set(reference) - set(prompts))
