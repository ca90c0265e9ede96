"""Reading TwiML: the app's answer as a tuple of verbs, each with its attributes and nouns."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field


class TwimlError(ValueError):
    """The body is not a TwiML `<Response>` document."""


@dataclass(frozen=True, slots=True)
class Verb:
    """One element: its tag, its text (stripped), its attributes and its children."""

    name: str
    text: str = ""
    attrs: Mapping[str, str] = field(default_factory=dict)
    children: tuple[Verb, ...] = ()

    def attr(self, name: str, default: str) -> str:
        """Attribute `name`, or `default` when absent or empty."""
        return self.attrs.get(name) or default

    def number(self, name: str, default: float) -> float:
        """Attribute `name` as a number, or `default` when absent, empty or not a number."""
        try:
            return float(self.attrs.get(name) or default)
        except ValueError:
            return default

    def flag(self, name: str) -> bool:
        """Attribute `name` is "true" (any case)."""
        return self.attrs.get(name, "").lower() == "true"


def _verb(element: ET.Element) -> Verb:
    return Verb(
        name=element.tag,
        text=(element.text or "").strip(),
        attrs=dict(element.attrib),
        children=tuple(_verb(child) for child in element),
    )


def parse_twiml(body: str) -> tuple[Verb, ...]:
    """The verbs of a `<Response>` document, in order."""
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        # No DTDs, so no entity expansion: the usual XML bombs cannot be expressed.
        raise TwimlError("TwiML may not declare a DTD or entities")
    try:
        root = ET.fromstring(body)  # noqa: S314  # DTDs refused above
    except ET.ParseError as exc:
        raise TwimlError(f"not well-formed XML: {exc}") from None
    if root.tag != "Response":
        raise TwimlError(f"the root element is <{root.tag}>, not <Response>")
    return tuple(_verb(child) for child in root)
