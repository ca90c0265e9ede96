"""TwiML linting: every document checked against the twilio library's own vocabulary and
against what Twilio allows where the document runs.

The vocabulary is read from `twilio.twiml.voice_response` through its public builders: each
element class is built and every builder method it has is called once, which tells the
element each method nests and the attributes that element takes. So `<Gather>` may hold what
`Gather` can build (Say, Play, Pause) and nothing else, whatever this module thinks.

The context rules are Twilio's documented ones: a waitUrl document (and what its `<Gather>`
and `<Redirect>` lead to while the caller is enqueued) uses only Play, Say, Pause, Hangup,
Redirect, Leave and Gather; a `<Queue>` noun's url only Play, Say, Pause and Redirect. For a
`<Number>`/`<Sip>`/`<Client>` noun's url (run on the called party before the bridge) the
rule is ours: it may speak, ask and hang up, never move the call elsewhere.
"""

from __future__ import annotations

import inspect
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from twilio.twiml import TwiML, voice_response

from devtools.carrier import DocContext, WebhookExchange

ROOT = "Response"
WAIT_VERBS = frozenset({"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"})
DEQUEUED_VERBS = frozenset({"Play", "Say", "Pause", "Redirect"})
WHISPER_VERBS = frozenset({"Play", "Say", "Pause", "Gather", "Hangup", "Redirect"})
ALLOWED: Mapping[DocContext, frozenset[str]] = {
    DocContext.WAIT: WAIT_VERBS,
    DocContext.DEQUEUED: DEQUEUED_VERBS,
    DocContext.WHISPER: WHISPER_VERBS,
}
FINAL = frozenset({"Hangup", "Redirect", "Reject", "Leave"})
"""Verbs after which nothing more of the document runs."""
NEEDS_TEXT = frozenset({"Redirect", "Number", "Sip", "Queue", "Client"})
METHODS = frozenset({"GET", "POST"})
_BASE = frozenset(dir(TwiML))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Which element nests in which, and the attributes each takes there."""

    children: Mapping[str, frozenset[str]]
    attributes: Mapping[tuple[str, str], frozenset[str]]


def _placeholders(function: Any) -> list[str]:
    """A value for each required positional parameter of `function`."""
    parameters = list(inspect.signature(function).parameters.values())[1:]  # after self
    return [
        "x"
        for p in parameters
        if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    ]


def _optional(function: Any) -> dict[str, str]:
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return {
        p.name: f"v-{p.name}"
        for p in parameters
        if p.default is not inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    }


def _built(parent: TwiML, method: str) -> tuple[str, frozenset[str]] | None:
    """The element `parent.method(...)` nests and the attributes it can carry."""
    function = getattr(type(parent), method)
    required = _placeholders(function)
    try:
        child = getattr(parent, method)(*required, **_optional(function))
    except Exception:  # a value check (language codes): required only
        child = getattr(parent, method)(*required)
    if not isinstance(child, TwiML):
        return None
    return child.name, frozenset(child.attrs)


def _classes() -> Iterator[type[TwiML]]:
    for found in vars(voice_response).values():
        element = inspect.isclass(found) and issubclass(found, TwiML) and found is not TwiML
        if element and found.__module__ == voice_response.__name__:
            yield found


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of the installed twilio library (built once)."""
    children: dict[str, set[str]] = {}
    attributes: dict[tuple[str, str], set[str]] = {}
    for cls in _classes():
        parent = cls(*_placeholders(cls.__init__))
        for method in (m for m in vars(cls) if not m.startswith("_") and m not in _BASE):
            built = _built(parent, method)
            if built is not None:
                children.setdefault(parent.name, set()).add(built[0])
                attributes.setdefault((parent.name, built[0]), set()).update(built[1])
    return Vocabulary(
        {name: frozenset(found) for name, found in children.items()},
        {key: frozenset(found) for key, found in attributes.items()},
    )


def lint(body: str, context: DocContext = DocContext.CALL) -> list[str]:
    """Every problem of TwiML document `body` running in `context`; empty when it is fine."""
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        return ["a DTD or entity declaration"]
    try:
        root = ET.fromstring(body)  # DTDs refused above
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != ROOT:
        return [f"the root is <{root.tag}>, not <{ROOT}>"]
    return [*_structure(root, vocabulary()), *_context(root, context), *_flow(root)]


def _structure(parent: ET.Element, words: Vocabulary) -> Iterator[str]:
    for child in parent:
        if child.tag not in words.children.get(parent.tag, frozenset()):
            yield f"<{child.tag}> may not be nested in <{parent.tag}>"
            continue
        unknown = set(child.attrib) - words.attributes[(parent.tag, child.tag)]
        if unknown:
            yield f"<{child.tag}> has no attribute {', '.join(sorted(unknown))}"
        yield from _values(child)
        yield from _structure(child, words)


def _values(element: ET.Element) -> Iterator[str]:
    for name, value in element.attrib.items():
        if name.lower().endswith("method") and value.upper() not in METHODS:
            yield f"<{element.tag} {name}={value!r}>: GET or POST"
    if element.tag in NEEDS_TEXT and not (element.text or "").strip():
        yield f"<{element.tag}> is empty"
    if (
        element.tag == "Play"
        and not (element.text or "").strip()
        and "digits" not in element.attrib
    ):
        yield "<Play> has neither a URL nor digits"


def _context(root: ET.Element, context: DocContext) -> Iterator[str]:
    allowed = ALLOWED.get(context)
    for verb in root:
        if allowed is not None and verb.tag not in allowed:
            yield f"<{verb.tag}> is not allowed in a {context.value} document"
        if verb.tag == "Leave" and context is not DocContext.WAIT:
            yield "<Leave> outside a waitUrl document does nothing"


def _flow(root: ET.Element) -> Iterator[str]:
    verbs = [verb.tag for verb in root]
    for index, tag in enumerate(verbs[:-1]):
        if tag in FINAL:
            yield f"{verbs[index + 1 :]} after <{tag}> never run"
            return


def lint_exchanges(exchanges: list[WebhookExchange]) -> list[str]:
    """Problems of every voice TwiML document in `exchanges`, each naming its request."""
    found: list[str] = []
    for exchange in exchanges:
        if exchange.context is DocContext.CALLBACK or exchange.status != 200:
            continue
        found.extend(
            f"{exchange.path} ({exchange.context.value}): {problem}"
            for problem in lint(exchange.body, exchange.context)
        )
    return found
