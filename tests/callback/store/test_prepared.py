"""Statements compiled once and run on the driver's cursor behave as SQLAlchemy runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, bindparam, select

from callback.store import QueueStore
from callback.store.engine import driver_write_transaction, read_transaction
from callback.store.prepared import NotPreparable, Prepared
from callback.store.tables import REQUEST
from callback.store.utc import to_micros
from callback.types import State
from tests.callback.store.support import SUPPORT, T0, at, incoming, number

_r = REQUEST.c
_DUE_BEFORE = select(_r.id, _r.due_at).where(
    _r.queue == bindparam("queue"), _r.due_at < bindparam("before")
)
_TYPES = {"queue": _r.queue.type, "before": _r.due_at.type}


def test_values_are_converted_by_the_column_types(engine: Engine) -> None:
    prepared = Prepared.of(_DUE_BEFORE, engine.dialect, _TYPES)
    parameters = prepared.parameters({"queue": SUPPORT, "before": T0})
    if engine.dialect.name == "sqlite":  # UtcTimestamp is integer microseconds there
        assert parameters == {"queue": SUPPORT, "before": to_micros(T0)}
    else:
        assert parameters == {"queue": SUPPORT, "before": T0}


def test_a_naive_datetime_is_refused_as_sqlalchemy_refuses_it(engine: Engine) -> None:
    prepared = Prepared.of(_DUE_BEFORE, engine.dialect, _TYPES)
    with pytest.raises(ValueError, match="naive"):
        prepared.parameters({"queue": SUPPORT, "before": T0.replace(tzinfo=None)})


def test_a_query_finds_what_sqlalchemy_finds(store: QueueStore) -> None:
    for n in range(3):
        store.enqueue(SUPPORT, number(n), incoming(n), at(n))
    prepared = Prepared.of(_DUE_BEFORE, store.engine.dialect, _TYPES)
    values = {"queue": SUPPORT, "before": at(1) + timedelta(seconds=1)}
    with driver_write_transaction(store.engine) as cursor:
        raw = [row[0] for row in prepared.run(cursor, values).fetchall()]
    with read_transaction(store.engine) as connection:
        expected = [row.id for row in connection.execute(_DUE_BEFORE, values)]
    assert sorted(raw) == sorted(expected) and len(expected) == 2


def test_an_update_names_its_values(store: QueueStore) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(), at(0)).request
    change = (
        REQUEST.update()
        .where(_r.id == bindparam("row_id"))
        .values(state=bindparam("state"), updated_at=bindparam("updated_at"))
    )
    types = {"row_id": _r.id.type, "state": _r.state.type, "updated_at": _r.updated_at.type}
    prepared = Prepared.of(change, store.engine.dialect, types)
    values = {"row_id": request.id, "state": State.CANCELLED.value, "updated_at": at(5)}
    with driver_write_transaction(store.engine) as cursor:
        prepared.run(cursor, values)
    stored = store.get(request.id)
    assert stored is not None and (stored.state, stored.updated_at) == (State.CANCELLED, at(5))


def test_every_bound_value_must_have_its_type_named(engine: Engine) -> None:
    with pytest.raises(NotPreparable, match="typed"):
        Prepared.of(_DUE_BEFORE, engine.dialect, {"queue": _r.queue.type})


def test_values_are_passed_by_name_never_by_position(engine: Engine) -> None:
    prepared = Prepared.of(_DUE_BEFORE, engine.dialect, _TYPES)
    marker = {"sqlite": ":before", "postgresql": "%(before)s"}[engine.dialect.name]
    assert marker in prepared.sql and "?" not in prepared.sql
