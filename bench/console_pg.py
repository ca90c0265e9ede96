"""The console benchmark's history on PostgreSQL: the same rows as SQLite's, in its own SQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from devtools.postgres import create_database, running_cluster

HISTORY = """
INSERT INTO callback_request (id, queue, number, channel, state, language, priority,
    virtual_start, due_at, attempts, contexts, entered_line_at, fence, created_at, updated_at,
    finished_at)
SELECT 1000000000 + i, CASE i % 3 WHEN 0 THEN 'sales' ELSE 'support' END,
    '+1666' || lpad(i::text, 7, '0'), CASE i % 4 WHEN 0 THEN 'ivr' ELSE 'web' END,
    CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'completed' END, 'en', 0,
    t - interval '240 seconds', t - interval '240 seconds', 1, '[]',
    t - interval '240 seconds', 1, t - interval '300 seconds', t, t
FROM generate_series(1, :count) AS i, LATERAL (SELECT :now - i * interval '1 second' AS t) AS s
"""
ATTEMPTS = """
INSERT INTO dial_attempt (request_id, fence, queue, number, claimed_at, lease_until, ended_at,
    outcome)
SELECT id, 1, queue, number, due_at + (id % 120) * interval '1 second',
    due_at + interval '90 seconds', finished_at, 'connected'
FROM callback_request WHERE state = 'completed'
"""


@contextmanager
def database() -> Iterator[str]:
    """A fresh database in a throwaway cluster, for the duration of the block."""
    with running_cluster() as cluster:
        yield create_database(cluster, "console_bench")
