"""Alembic environment: migrations run on the connection `callback.store.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from callback.store.tables import metadata


def run_migrations() -> None:
    """Run the pending migrations inside the caller's transaction."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations with callback.store.migrate.upgrade(database_url)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables by copying them; batch mode writes later migrations that way.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
