"""Twilio's published REST contract, checked on every request the simulated carrier answers.

The contract is an extract of Twilio's OpenAPI description of the 2010-04-01 API (MIT, see
`TWILIO-OAI-LICENSE`): for each operation Holdless may use, its path parameters with their
patterns, its query parameters and its form fields with type, enum and whether required.
`python -m devtools.twilio_contract SPEC.json` writes the extract again from a newer copy.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

EXTRACT = Path(__file__).with_name("twilio_api_v2010.subset.json")
USED_PATHS = (
    "/2010-04-01/Accounts/{AccountSid}/Calls.json",
    "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Messages.json",
    "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues/{Sid}.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members.json",
    "/2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members/{CallSid}.json",
)
"""The resources Holdless calls or may call (the Queue Members resource serves held callers)."""
_BOOLEANS = frozenset({"true", "false", "True", "False"})


@dataclass(frozen=True, slots=True)
class Field:
    """One parameter: its JSON type, the values it may take, and whether it may repeat."""

    type: str
    enum: tuple[str, ...] = ()
    uri: bool = False

    def problem(self, name: str, value: str) -> str | None:
        """Why `value` does not fit, or None."""
        if self.enum and value not in self.enum:
            return f"{name}: {value!r} is not one of {', '.join(self.enum)}"
        if self.type == "integer" and not value.lstrip("-").isdecimal():
            return f"{name}: {value!r} is not an integer"
        if self.type == "boolean" and value not in _BOOLEANS:
            return f"{name}: {value!r} is not a boolean"
        if self.uri and not value.startswith(("http://", "https://")):
            return f"{name}: {value!r} is not an absolute URL"
        return None


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one path template."""

    method: str
    template: str
    path: Mapping[str, str]
    query: Mapping[str, Field]
    form: Mapping[str, Field]
    required: frozenset[str]

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template as a regular expression with one group per path parameter."""
        return _template_pattern(self.template)

    def problems(
        self, path: str, params: Sequence[tuple[str, str]], *, required: bool = True
    ) -> list[str]:
        """Everything in the request that the published contract does not allow."""
        found = self.pattern.fullmatch(path)
        assert found is not None
        problems = [
            f"{name}: {value!r} does not match {self.path[name]}"
            for name, value in found.groupdict().items()
            if self.path.get(name) and re.fullmatch(self.path[name], value) is None
        ]
        fields = self.form if self.method == "POST" else self.query
        problems.extend(_field_problems(fields, params))
        if required:
            given = {name for name, _ in params}
            problems.extend(f"{name}: required" for name in sorted(self.required - given))
        return problems


def _field_problems(fields: Mapping[str, Field], params: Sequence[tuple[str, str]]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for name, value in params:
        field = fields.get(name)
        if field is None:
            problems.append(f"{name}: not a parameter of this operation")
            continue
        if name in seen and field.type != "array":
            problems.append(f"{name}: given more than once")
        seen.add(name)
        problem = field.problem(name, value)
        if problem is not None:
            problems.append(problem)
    return problems


@cache
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex)


class Contract:
    """Every operation of the extract; answers which one a request is and what is wrong."""

    def __init__(self, operations: Sequence[Operation]) -> None:
        self.operations = tuple(operations)

    def find(self, method: str, path: str) -> Operation | None:
        """The operation `method` `path` is, or None when the API has no such operation."""
        return next(
            (
                op
                for op in self.operations
                if op.method == method.upper() and op.pattern.fullmatch(path) is not None
            ),
            None,
        )

    def problems(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]],
        *,
        required: bool = True,
    ) -> list[str]:
        """Empty when the request fits Twilio's published API (`required`: check those too)."""
        operation = self.find(method, path)
        if operation is None:
            return [f"{method.upper()} {path}: no such operation in the 2010-04-01 API"]
        return operation.problems(path, params, required=required)


def _field(schema: Mapping[str, Any]) -> Field:
    kind = str(schema.get("type", "string"))
    values = schema.get("enum") or (schema.get("items") or {}).get("enum") or ()
    return Field(kind, tuple(str(v) for v in values), schema.get("format") == "uri")


def _operation(method: str, template: str, spec: Mapping[str, Any]) -> Operation:
    parameters = spec.get("parameters", [])
    path = {p["name"]: str(p["schema"].get("pattern", "")) for p in parameters if p["in"] == "path"}
    query = {p["name"]: _field(p["schema"]) for p in parameters if p["in"] == "query"}
    body = spec.get("requestBody", {}).get("content", {})
    schema = body.get("application/x-www-form-urlencoded", {}).get("schema", {})
    form = {name: _field(field) for name, field in schema.get("properties", {}).items()}
    required = frozenset(schema.get("required", ()))
    return Operation(method.upper(), template, path, query, form, required)


def _operations(paths: Mapping[str, Any]) -> list[Operation]:
    return [
        _operation(method, template, spec)
        for template, item in paths.items()
        for method, spec in item.items()
        if method in ("get", "post", "delete")
    ]


@cache
def published() -> Contract:
    """The contract of the operations Holdless may use, from the stored extract."""
    return Contract(_operations(json.loads(EXTRACT.read_text(encoding="utf-8"))))


def _slim(schema: Mapping[str, Any]) -> dict[str, Any]:
    kept = ("type", "enum", "format", "pattern", "items")
    return {key: schema[key] for key in kept if key in schema}


def _slim_operation(spec: Mapping[str, Any]) -> dict[str, Any]:
    parameters = [
        {"name": p["name"], "in": p["in"], "schema": _slim(p["schema"])}
        for p in spec.get("parameters", [])
    ]
    out: dict[str, Any] = {"parameters": parameters}
    body = spec.get("requestBody", {}).get("content", {})
    form = body.get("application/x-www-form-urlencoded", {}).get("schema")
    if form is not None:
        properties = {name: _slim(field) for name, field in form.get("properties", {}).items()}
        slim = {"properties": properties, "required": form.get("required", [])}
        out["requestBody"] = {"content": {"application/x-www-form-urlencoded": {"schema": slim}}}
    return out


def extract(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The used paths of a full OpenAPI document, with only what the checks read."""
    return {
        template: {
            method: _slim_operation(op)
            for method, op in spec["paths"][template].items()
            if method in ("get", "post", "delete")
        }
        for template in USED_PATHS
    }


def main(argv: Sequence[str]) -> int:
    """Write the extract from the full OpenAPI document named on the command line."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    EXTRACT.write_text(json.dumps(extract(spec), indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
