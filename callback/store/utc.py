"""Aware UTC datetimes that compare and sort correctly on SQLite and PostgreSQL.

PostgreSQL stores them as `timestamptz`. SQLite has no datetime type, so they are stored as an
integer count of microseconds since the Unix epoch: integer order is time order, the index
entries are 8 bytes instead of 26-byte text, nothing depends on a text format being fixed-width,
and bulk loads and ad-hoc queries can do arithmetic on them directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(value: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    return (value - EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """The aware UTC datetime `micros` microseconds after the Unix epoch."""
    return EPOCH + timedelta(microseconds=micros)


def require_aware(value: datetime) -> datetime:
    """`value` in UTC; naive datetimes are refused because their zone is a guess."""
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} given where an aware one is needed")
    return value.astimezone(UTC)


class UtcTimestamp(TypeDecorator[datetime]):
    """An aware datetime column, returned in UTC (timestamptz, or integer microseconds)."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """BIGINT on SQLite, TIMESTAMP WITH TIME ZONE elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """Refuse naive values; convert to UTC (and to microseconds on SQLite)."""
        if value is None:
            return None
        utc = require_aware(value)
        return to_micros(utc) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """An aware UTC datetime from either storage form."""
        if value is None:
            return None
        if isinstance(value, int):
            return from_micros(value)
        if isinstance(value, datetime):
            return require_aware(value)
        raise TypeError(f"unexpected stored timestamp {value!r}")
