"""The durable queue store: SQLModel tables, migrations and the `QueueStore` commands."""

# The console's and the sent-texts tables join the metadata wherever the store is used.
import callback.store.console_tables
import callback.store.held_history
import callback.store.report_slots
import callback.store.request_sms
import callback.store.wrap_up  # noqa: F401
from callback.store.engine import DEFAULT_URL, make_engine
from callback.store.migrate import current_revision, head_revision, upgrade
from callback.store.queue import QueueStore
from callback.store.records import (
    Claim,
    ConfigChange,
    Enqueued,
    QueueCounts,
    StateConflict,
    UnknownRequest,
)

__all__ = [
    "DEFAULT_URL",
    "Claim",
    "ConfigChange",
    "Enqueued",
    "QueueCounts",
    "QueueStore",
    "StateConflict",
    "UnknownRequest",
    "current_revision",
    "head_revision",
    "make_engine",
    "upgrade",
]
