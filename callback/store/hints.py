"""Planner hints that only some databases understand, rendered as plain SQL elsewhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class likely(FunctionElement[bool]):  # noqa: N801 (reads as the SQL function it renders)
    """A condition that is usually true: SQLite's `likely(x)`, plain `x` elsewhere."""

    type = Boolean()
    name = "likely"
    inherit_cache = True
    # A predicate already: SQLAlchemy must not append "= 1" on databases without booleans.
    _is_implicitly_boolean = True

    def __init__(self, condition: ColumnElement[bool]) -> None:
        super().__init__(condition)


@compiles(likely)
def _plain(element: likely, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(likely, "sqlite")
def _sqlite(element: likely, compiler: SQLCompiler, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"
