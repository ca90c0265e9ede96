"""Statements compiled once into the driver's SQL text, run straight on its cursor.

What a hot path saves is SQLAlchemy's per-execution machinery (connection and transaction
objects, events, cache look-ups, result set-up): several times what SQLite takes to run a
small statement (BENCHMARKS.md, incoming-call webhook). Only SQLAlchemy's public surface is
used: `ClauseElement.compile` for a dialect whose parameters are named, the compiled string,
`Compiled.params` for the names, and each value's `TypeEngine.bind_processor`, the
conversion SQLAlchemy itself applies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ClauseElement
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]
"""Converts one bound value into what the driver accepts."""
_NAMED = ("named", "pyformat")
"""Parameter styles that take a mapping of names (SQLite's `:x`, psycopg's `%(x)s`)."""


class NotPreparable(ValueError):
    """The statement cannot be run as plain SQL text with named values."""


def _naming(dialect: Dialect) -> Dialect:
    # The driver's SQL with named parameters, so values are passed by name, never by an
    # order only the compiler knows. pysqlite takes `:name` as well as its default `?`.
    if dialect.paramstyle in _NAMED:
        return dialect
    if dialect.name == "sqlite":
        return sqlite.dialect(paramstyle="named")
    raise NotPreparable(f"no named parameter style for {dialect.name}")


@dataclass(frozen=True, slots=True)
class Prepared:
    """One statement as SQL text for a dialect, with each named value's converter."""

    sql: str
    converters: tuple[tuple[str, Processor | None], ...]

    @classmethod
    def of(
        cls, statement: ClauseElement, dialect: Dialect, types: Mapping[str, TypeEngine[Any]]
    ) -> Prepared:
        """`statement` compiled for `dialect`; `types` give the type of every bound value."""
        compiled = statement.compile(dialect=_naming(dialect))
        if set(compiled.params) != set(types):
            raise NotPreparable(f"bound values {sorted(compiled.params)}, typed {sorted(types)}")
        converters = tuple(
            (name, kind.dialect_impl(dialect).bind_processor(dialect))
            for name, kind in types.items()
        )
        return cls(str(compiled), converters)

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The driver's parameters for `values` (by name), converted as SQLAlchemy would."""
        return {
            name: values[name] if to is None else to(values[name]) for name, to in self.converters
        }

    def run(self, cursor: DBAPICursor, values: Mapping[str, Any]) -> DBAPICursor:
        """Execute on `cursor` (inside the caller's transaction); the cursor, to fetch from."""
        cursor.execute(self.sql, self.parameters(values))
        return cursor
