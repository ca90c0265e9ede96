"""Statements compiled once for one database, run straight on the driver's cursor.

SQLAlchemy still builds the SQL and converts the values (the same bind processors it would
apply); what a hot path saves is its per-execution machinery: cache lookups, events, result
set-up, about a tenth of a millisecond of Python per statement, several times what SQLite
takes to run a small one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ClauseElement
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
"""Converts one bound value into what the driver accepts."""


class NotPreparable(ValueError):
    """The statement needs SQLAlchemy at execution time (expanding or literal-rendered values)."""


def _compiled(
    statement: ClauseElement, dialect: Dialect, keys: Sequence[str] | None
) -> SQLCompiler:
    column_keys = None if keys is None else list(keys)
    compiled = statement.compile(dialect=dialect, column_keys=column_keys)
    if not isinstance(compiled, SQLCompiler):
        raise NotPreparable(f"not a SQL statement: {type(statement).__name__}")
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise NotPreparable("values rendered at execution time")
    if compiled.escaped_bind_names:
        raise NotPreparable("bound parameter names the driver cannot take as they are")
    return compiled


@dataclass(frozen=True, slots=True)
class Prepared:
    """One statement as SQL text for a dialect, with its parameters' order and converters."""

    sql: str
    binds: tuple[tuple[str, Processor | None], ...]
    """Each parameter's bind name and converter, in the driver's order when positional."""
    positional: bool

    @classmethod
    def of(
        cls, statement: ClauseElement, dialect: Dialect, column_keys: Sequence[str] | None = None
    ) -> Prepared:
        """`statement` compiled for `dialect`; `column_keys` name an INSERT's or UPDATE's values."""
        compiled = _compiled(statement, dialect, column_keys)
        names = compiled.positiontup if compiled.positional else compiled.binds
        binds = tuple(
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in names or ()
        )
        return cls(compiled.string, binds, compiled.positional)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters for `values` (by bind name), converted as SQLAlchemy would."""
        if self.positional:
            return [values[name] if to is None else to(values[name]) for name, to in self.binds]
        return {name: values[name] if to is None else to(values[name]) for name, to in self.binds}

    def run(self, cursor: DBAPICursor, values: Mapping[str, Any]) -> DBAPICursor:
        """Execute on `cursor` (inside the caller's transaction); the cursor, to fetch from."""
        cursor.execute(self.sql, self.parameters(values))
        return cursor
